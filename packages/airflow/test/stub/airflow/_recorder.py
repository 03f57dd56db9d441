"""A recording stand-in for the parts of Airflow a pipewright DAG file uses.

It checks what real Airflow checks when it parses a DAG (id patterns and lengths from
task-sdk definitions/_internal/node.py, duplicate ids, the keyword arguments each class
accepts) and records the DAG, groups, operators and edges for the tests to compare with
the plan. `render` models Airflow's Jinja rendering of template fields, for the subset of
Jinja that pipewright emits; anything else in a template field is an error.
"""

import datetime
import json
import os
import re

KEY_REGEX = re.compile(r"^[\w.-]+$")
GROUP_KEY_REGEX = re.compile(r"^[\w-]+$")
VERSION = os.environ.get("AIRFLOW_STUB_VERSION", "3")

RECORD = {"dags": [], "groups": [], "tasks": [], "edges": []}
_CURRENT = []


class StubError(Exception):
    pass


def validate_key(key, max_length=250):
    if not isinstance(key, str) or len(key) > max_length or not KEY_REGEX.match(key) or not key.isascii():
        raise StubError(f"invalid key {key!r}")


def validate_group_key(key, max_length=200):
    if not isinstance(key, str) or len(key) > max_length or not GROUP_KEY_REGEX.match(key) or not key.isascii():
        raise StubError(f"invalid group key {key!r}")


def only(kwargs, allowed, what):
    unknown = sorted(set(kwargs) - set(allowed))
    if unknown:
        raise TypeError(f"{what} got unexpected keyword arguments {unknown}")


DAG_ARGS = {"dag_id", "description", "schedule", "start_date", "catchup", "tags", "max_active_tasks",
            "default_args", "doc_md", "params"}


class Param:
    """Airflow's Param (task-sdk definitions/param.py): a default, a description, a JSON Schema."""

    def __init__(self, default=None, description=None, **kwargs):
        json.dumps(default)  # Airflow requires JSON-serialisable values
        self.value = default
        self.description = description
        self.schema = kwargs.pop("schema") if "schema" in kwargs else kwargs

    def to_dict(self):
        return {"value": self.value, "description": self.description, "schema": self.schema}


class DAG:
    def __init__(self, dag_id=None, **kwargs):
        only(kwargs, DAG_ARGS, "DAG")
        validate_key(dag_id)
        for tag in kwargs.get("tags") or []:
            if len(tag) > 100:
                raise StubError("tag cannot be longer than 100 characters")
        start = kwargs.get("start_date")
        if start is not None and start.tzinfo is None:
            raise StubError("start_date must be timezone-aware")
        self.dag_id = dag_id
        self.kwargs = kwargs
        self.default_args = dict(kwargs.get("default_args") or {})
        self.task_dict = {}
        self.root = TaskGroup.__new__(TaskGroup)
        self.root.group_id, self.root.children, self.root.dag = None, {}, self
        RECORD["dags"].append(self)

    def __enter__(self):
        _CURRENT.append(self)
        return self

    def __exit__(self, *exc):
        _CURRENT.pop()


def current_dag():
    if not _CURRENT:
        raise StubError("no DAG context")
    return _CURRENT[-1]


class TaskGroup:
    def __init__(self, group_id, parent_group=None, **kwargs):
        only(kwargs, {"tooltip", "prefix_group_id", "dag"}, "TaskGroup")
        validate_group_key(group_id)
        dag = current_dag()
        parent = parent_group if parent_group is not None else dag.root
        self.dag = dag
        self.group_id = group_id if parent.group_id is None else f"{parent.group_id}.{group_id}"
        if len(self.group_id) > 200:
            raise StubError(f"group id {self.group_id!r} is longer than 200 characters")
        self.children = {}
        parent.add(self.group_id, self)
        RECORD["groups"].append({"id": self.group_id, "parent": parent.group_id})

    def add(self, key, node):
        if key in self.children:
            raise StubError(f"duplicate id {key!r} in group {self.group_id!r}")
        self.children[key] = node

    def child_id(self, label):
        return label if self.group_id is None else f"{self.group_id}.{label}"



BASE_ARGS = {"task_id", "task_group", "retries", "retry_delay", "retry_exponential_backoff", "max_retry_delay",
             "execution_timeout", "pool", "queue", "do_xcom_push", "doc_md"}


class BaseOperator:
    template_fields = ()
    template_ext = ()
    extra_args = set()

    def __init__(self, **kwargs):
        only(kwargs, BASE_ARGS | self.extra_args, type(self).__name__)
        dag = current_dag()
        group = kwargs.pop("task_group", None) or dag.root
        label = kwargs.pop("task_id")
        validate_key(label)
        self.task_id = group.child_id(label)
        validate_key(self.task_id)
        if self.task_id in dag.task_dict:
            raise StubError(f"duplicate task id {self.task_id!r}")
        group.add(self.task_id, self)
        dag.task_dict[self.task_id] = self
        # default_args fill the arguments the operator was not given, as in Airflow.
        self.kwargs = {**{k: v for k, v in dag.default_args.items() if k in BASE_ARGS}, **kwargs}
        for field in self.template_fields:
            check_template_file(self.kwargs.get(field), self.template_ext, field)
        self.group = group.group_id
        RECORD["tasks"].append(self)

    def set_upstream(self, others):
        for other in others:
            RECORD["edges"].append([other.task_id, self.task_id])

    @property
    def output(self):
        """The task's XCom return value, as an argument of later tasks (XComArg)."""
        return XComArg(self)

    @classmethod
    def partial(cls, **kwargs):
        """Dynamic task mapping (Airflow >= 2.3): the arguments every mapped instance shares."""
        return _Partial(cls, kwargs)


class XComArg:
    def __init__(self, operator, fn=None):
        self.operator, self.fn = operator, fn

    def map(self, fn):
        """XComArg.map (Airflow >= 2.4): each item is passed through fn when the instance runs."""
        if self.fn is not None:
            raise StubError("the stub models one map() per XComArg")
        if not callable(fn):
            raise StubError("map() takes a callable")
        return XComArg(self.operator, fn)


class _Partial:
    def __init__(self, cls, kwargs):
        if "task_id" not in kwargs:
            raise StubError("partial() needs task_id")
        self.cls, self.kwargs = cls, kwargs

    def expand(self, **mapped):
        """One task instance per item of each XComArg's value (max_map_length applies at run time)."""
        if not mapped:
            raise StubError("expand() needs at least one mapped argument")
        for field, value in mapped.items():
            if field in self.kwargs:
                raise StubError(f"{field} is both in partial() and expand()")
            if field not in self.cls.template_fields and field not in self.cls.extra_args:
                raise TypeError(f"{self.cls.__name__} got unexpected mapped argument {field!r}")
            if not isinstance(value, (XComArg, list, dict)):
                raise StubError(f"expand({field}=...) needs a list, dict or XComArg")
        # The operator is checked as Airflow checks the partial arguments; mapped ones are
        # filled when an instance runs.
        task = self.cls(**self.kwargs, **{field: None for field in mapped})
        for field in mapped:
            task.kwargs.pop(field)
        task.mapped = mapped
        return task


def check_template_file(value, suffixes, field):
    """Airflow reads a template field (or list item) ending in template_ext as a file."""
    if isinstance(value, str) and suffixes and value.endswith(tuple(suffixes)):
        raise StubError(f"{field}: {value!r} would be loaded as a template file")
    if isinstance(value, (list, tuple)):
        for item in value:
            check_template_file(item, suffixes, field)


_TOKEN = re.compile(r"\{[{%#]")


def render_string(text, context):
    """Jinja's rendering of `text`, for what pipewright emits: {{ 'literal' }} and {{ name }}.

    Like Jinja it first turns every newline sequence into "\\n" and drops one trailing
    newline (keep_trailing_newline=False); inside a literal only the escape \\r is modelled.
    """
    lines = re.split(r"\r\n|\r|\n", text)
    if lines[-1] == "":
        lines.pop()
    text = "\n".join(lines)
    out, i = [], 0
    while True:
        m = _TOKEN.search(text, i)
        if m is None:
            out.append(text[i:])
            return "".join(out)
        out.append(text[i:m.start()])
        if m.group(0) != "{{":
            raise StubError(f"unescaped Jinja block {m.group(0)!r} in {text!r}")
        j = m.end()
        while text[j:j + 1] == " ":
            j += 1
        if text[j:j + 1] == "'":
            end = text.index("'", j + 1)
            value = text[j + 1:end]
            if "\\" in value.replace("\\r", ""):
                raise StubError(f"escape in Jinja literal not modelled: {value!r}")
            value = value.replace("\\r", "\r")
            j = end + 1
        elif text.startswith("params[", j):
            value, j = render_param(text, j, context)
        else:
            name = re.match(r"[A-Za-z_][A-Za-z0-9_]*", text[j:])
            if name is None:
                raise StubError(f"unsupported Jinja expression in {text!r}")
            value = context[name.group(0)]
            j += name.end()
        while text[j:j + 1] == " ":
            j += 1
        if text[j:j + 2] != "}}":
            raise StubError(f"unsupported Jinja expression in {text!r}")
        out.append(value)
        i = j + 2


_PARAM = re.compile(r"params\['([A-Za-z0-9_.-]+)'\]")
_FILTER = re.compile(r" *\| *(tojson|replace\('([^']*)', '([^']*)'\))")


def tojson(value):
    """Jinja's tojson: sorted keys, and <, >, & and ' written as \\u escapes (still JSON)."""
    text = json.dumps(value, sort_keys=True)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
        text = text.replace(char, escape)
    return text


def render_param(text, j, context):
    """{{ params['name'] | tojson | replace('a', 'b') }}: the run's value of a DAG param."""
    m = _PARAM.match(text, j)
    if m is None:
        raise StubError(f"unsupported params expression in {text!r}")
    value, j = context["params"][m.group(1)], m.end()
    while (f := _FILTER.match(text, j)) is not None:
        value = tojson(value) if f.group(1) == "tojson" else str(value).replace(f.group(2), f.group(3))
        j = f.end()
    return str(value), j


def render(value, context):
    if isinstance(value, str):
        return render_string(value, context)
    if isinstance(value, list):
        return [render(v, context) for v in value]
    if isinstance(value, tuple):
        return tuple(render(v, context) for v in value)
    if isinstance(value, dict):
        return {k: render(v, context) for k, v in value.items()}
    if hasattr(value, "template_fields"):
        for field in value.template_fields:
            setattr(value, field, render(getattr(value, field), context))
    return value


def plain(value):
    """JSON-ready form of a recorded value."""
    if isinstance(value, datetime.timedelta):
        return {"seconds": value.total_seconds()}
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if hasattr(value, "to_dict"):
        return plain(value.to_dict())
    if callable(value):
        return f"<function {getattr(value, '__name__', '?')}>"
    return value
