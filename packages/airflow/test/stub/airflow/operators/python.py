"""Stand-in for Airflow 2's airflow.operators.python (moved to the standard provider in 3)."""

from airflow._recorder import VERSION

if VERSION != "2":
    raise ImportError("Airflow 3 has PythonOperator in airflow.providers.standard.operators.python")

from airflow._python import PythonOperator  # noqa: E402,F401
