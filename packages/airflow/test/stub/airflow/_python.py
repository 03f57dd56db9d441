"""PythonOperator's arguments and template fields, as in operators/python.py."""

from airflow._recorder import BaseOperator


class PythonOperator(BaseOperator):
    template_fields = ("templates_dict", "op_args", "op_kwargs")
    extra_args = {"python_callable", "op_args", "op_kwargs", "templates_dict"}

    def __init__(self, **kwargs):
        if not callable(kwargs.get("python_callable")):
            raise TypeError("python_callable must be callable")
        super().__init__(**kwargs)
