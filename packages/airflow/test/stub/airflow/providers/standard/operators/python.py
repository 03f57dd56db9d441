"""Stand-in for the standard provider's PythonOperator (Airflow 3's home for it)."""

from airflow._python import PythonOperator  # noqa: F401
