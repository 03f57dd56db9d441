"""Stand-in for Airflow 2's airflow.utils.task_group (Airflow 3 files use airflow.sdk)."""

from airflow._recorder import VERSION

if VERSION != "2":
    raise ImportError("an Airflow 3 DAG should import TaskGroup from airflow.sdk")

from airflow._recorder import TaskGroup  # noqa: E402,F401
