"""Stand-in for kubernetes.client.models."""


class V1ResourceRequirements:
    # What KubernetesPodOperator renders inside it (operators/pod.py, _render_nested_template_fields).
    template_fields = ("limits", "requests")

    def __init__(self, claims=None, limits=None, requests=None):
        self.claims = claims
        self.limits = limits
        self.requests = requests

    def to_dict(self):
        return {"limits": self.limits, "requests": self.requests}
