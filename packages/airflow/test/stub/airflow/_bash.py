"""BashOperator's arguments and template fields, as in the standard provider's operators/bash.py."""

from airflow._recorder import BaseOperator


class BashOperator(BaseOperator):
    template_fields = ("bash_command", "env", "cwd")
    template_ext = (".sh", ".bash")
    extra_args = {"bash_command", "env", "append_env", "output_encoding", "skip_on_exit_code", "cwd"}
