"""Stand-in for Airflow 2's airflow.operators.bash (removed in Airflow 3)."""

from airflow._recorder import VERSION

if VERSION != "2":
    raise ImportError("Airflow 3 has BashOperator in airflow.providers.standard.operators.bash")

from airflow._bash import BashOperator  # noqa: E402,F401
