"""Stand-in for kubernetes.client.models: the models the DAG file builds.

Each class accepts exactly the keyword arguments of the real client's model (snake_case
attribute names), so a misspelt argument fails here as it would there. template_fields
are what KubernetesPodOperator renders inside each model (operators/pod.py,
_render_nested_template_fields).
"""


class _Model:
    fields = ()
    template_fields = ()

    def __init__(self, **kwargs):
        unknown = sorted(set(kwargs) - set(self.fields))
        if unknown:
            raise TypeError(f"{type(self).__name__}() got unexpected keyword arguments {unknown}")
        for field in self.fields:
            setattr(self, field, kwargs.get(field))

    def to_dict(self):
        return {f: getattr(self, f) for f in self.fields if getattr(self, f) is not None}


def _model(name, fields, template_fields=()):
    return type(name, (_Model,), {"fields": tuple(fields), "template_fields": tuple(template_fields)})


class V1ResourceRequirements(_Model):
    fields = ("claims", "limits", "requests")
    template_fields = ("limits", "requests")

    def to_dict(self):
        return {"limits": self.limits, "requests": self.requests}


V1LocalObjectReference = _model("V1LocalObjectReference", ["name"])
V1KeyToPath = _model("V1KeyToPath", ["key", "mode", "path"])
V1PersistentVolumeClaimVolumeSource = _model(
    "V1PersistentVolumeClaimVolumeSource", ["claim_name", "read_only"], ["claim_name"])
V1SecretVolumeSource = _model("V1SecretVolumeSource", ["default_mode", "items", "optional", "secret_name"])
V1ConfigMapVolumeSource = _model("V1ConfigMapVolumeSource", ["default_mode", "items", "name", "optional"], ["name"])
V1EmptyDirVolumeSource = _model("V1EmptyDirVolumeSource", ["medium", "size_limit"])
# A real V1Volume has many more sources; these are the ones pipewright's pod settings offer.
V1Volume = _model("V1Volume", ["config_map", "empty_dir", "name", "persistent_volume_claim", "secret"],
                  ["name", "persistent_volume_claim", "config_map"])
V1VolumeMount = _model("V1VolumeMount", ["mount_path", "mount_propagation", "name", "read_only",
                                         "recursive_read_only", "sub_path", "sub_path_expr"], ["name", "sub_path"])
V1SecretEnvSource = _model("V1SecretEnvSource", ["name", "optional"])
V1ConfigMapEnvSource = _model("V1ConfigMapEnvSource", ["name", "optional"], ["name"])
V1EnvFromSource = _model("V1EnvFromSource", ["config_map_ref", "prefix", "secret_ref"], ["config_map_ref"])
