"""Stand-in for the `airflow` package (see _recorder.py). Airflow 2 files import DAG from here."""

from airflow._recorder import VERSION

if VERSION == "2":
    from airflow._recorder import DAG  # noqa: F401
