"""Stand-in for KubernetesPodOperator (cncf.kubernetes provider >= 10, operators/pod.py)."""

from airflow._recorder import BaseOperator, StubError

ON_FINISH_ACTIONS = {"delete_pod", "delete_succeeded_pod", "keep_pod"}


class KubernetesPodOperator(BaseOperator):
    # template_fields as in the provider; it defines no template_ext of its own.
    template_fields = ("image", "name", "hostname", "cmds", "annotations", "arguments", "env_vars", "labels",
                       "config_file", "pod_template_file", "pod_template_dict", "namespace", "container_resources",
                       "volumes", "volume_mounts", "cluster_context", "env_from", "node_selector",
                       "kubernetes_conn_id", "base_container_name", "trigger_kwargs")
    # A subset of the provider's keyword arguments; is_delete_operator_pod is left out on purpose.
    extra_args = {"kubernetes_conn_id", "namespace", "image", "name", "cmds", "arguments", "env_vars", "env_from",
                  "secrets", "labels", "container_resources", "service_account_name", "on_finish_action",
                  "get_logs", "image_pull_policy", "node_selector", "annotations"}

    def __init__(self, **kwargs):
        if kwargs.get("on_finish_action", "delete_pod") not in ON_FINISH_ACTIONS:
            raise StubError(f"on_finish_action {kwargs['on_finish_action']!r}")
        env_vars = kwargs.get("env_vars")
        if env_vars is not None and not isinstance(env_vars, dict):
            raise StubError("env_vars: the stub expects a dict")
        super().__init__(**kwargs)
