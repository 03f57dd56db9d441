"""Stand-in for the kubernetes client package: only the models the DAG file builds."""

from kubernetes.client import models  # noqa: F401
