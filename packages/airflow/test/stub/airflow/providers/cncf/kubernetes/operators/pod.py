"""Stand-in for KubernetesPodOperator (cncf.kubernetes provider >= 10, operators/pod.py)."""

from airflow._recorder import BaseOperator, StubError
from kubernetes.client import models as k8s

TOLERATION_KEYS = {"key", "operator", "value", "effect", "tolerationSeconds"}
AFFINITY_KEYS = {"nodeAffinity", "podAffinity", "podAntiAffinity"}

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
                  "get_logs", "image_pull_policy", "node_selector", "annotations", "volumes", "volume_mounts",
                  "tolerations", "affinity", "image_pull_secrets", "security_context", "container_security_context"}

    def __init__(self, **kwargs):
        if kwargs.get("on_finish_action", "delete_pod") not in ON_FINISH_ACTIONS:
            raise StubError(f"on_finish_action {kwargs['on_finish_action']!r}")
        env_vars = kwargs.get("env_vars")
        if env_vars is not None and not isinstance(env_vars, dict):
            raise StubError("env_vars: the stub expects a dict")
        # What the provider accepts (backcompat/backwards_compat_converters.py): models for
        # volumes, mounts, env_from and pull secrets; dicts (API field names) or models for
        # tolerations and affinity; dicts or models for the security contexts.
        models = {"volumes": k8s.V1Volume, "volume_mounts": k8s.V1VolumeMount, "env_from": k8s.V1EnvFromSource,
                  "image_pull_secrets": k8s.V1LocalObjectReference}
        for field, model in models.items():
            for item in kwargs.get(field) or []:
                if not isinstance(item, model):
                    raise StubError(f"{field}: expected {model.__name__}, got {type(item).__name__}")
        for item in kwargs.get("tolerations") or []:
            if not isinstance(item, dict) or not set(item) <= TOLERATION_KEYS:
                raise StubError(f"tolerations: {item!r} is not a V1Toleration dict")
        affinity = kwargs.get("affinity")
        if affinity is not None and (not isinstance(affinity, dict) or not set(affinity) <= AFFINITY_KEYS):
            raise StubError(f"affinity: {affinity!r} is not a V1Affinity dict")
        for field in ("security_context", "container_security_context"):
            if kwargs.get(field) is not None and not isinstance(kwargs[field], dict):
                raise StubError(f"{field}: the stub expects a dict")
        super().__init__(**kwargs)
