"""Stand-in for the provider's Secret (secret.py): a reference to a Kubernetes secret."""

from airflow._recorder import StubError


class Secret:
    def __init__(self, deploy_type, deploy_target, secret, key=None, items=None):
        if deploy_type not in ("env", "volume"):
            raise StubError("deploy_type must be env or volume")
        if key is not None and deploy_target is None:
            raise StubError("If `key` is set, `deploy_target` should not be None")
        self.deploy_type = deploy_type
        self.deploy_target = deploy_target.upper() if deploy_target is not None and deploy_type == "env" else deploy_target
        self.secret = secret
        self.key = key

    def to_dict(self):
        return {"deploy_type": self.deploy_type, "deploy_target": self.deploy_target, "secret": self.secret,
                "key": self.key}
