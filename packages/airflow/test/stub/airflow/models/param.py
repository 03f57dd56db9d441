"""Stand-in for Airflow 2's airflow.models.param (Airflow 3: airflow.sdk.Param)."""

from airflow._recorder import Param  # noqa: F401
