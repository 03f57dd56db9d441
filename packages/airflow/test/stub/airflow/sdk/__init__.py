"""Stand-in for airflow.sdk, the Airflow 3 authoring interface (task-sdk/src/airflow/sdk/__init__.py)."""

from airflow._recorder import VERSION

if VERSION != "3":
    raise ImportError("airflow.sdk exists from Airflow 3 on")

from airflow._recorder import DAG, Param, TaskGroup  # noqa: E402,F401
