"""Stand-in for the standard provider's BashOperator (Airflow 3's home for it)."""

from airflow._bash import BashOperator  # noqa: F401
