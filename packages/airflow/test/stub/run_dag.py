"""Executes a DAG file against the stand-in Airflow and prints what it built, as JSON.

usage: python3 run_dag.py DAG_FILE RUN_ID [--exec-bash] [--conf JSON]

While the file runs, file, network and process access raise: a DAG file must do no I/O
at import time. Afterwards every template field is rendered with `run_id` and `params`
(the DAG's params, with --conf values over them, as "trigger with config" does), and with
--exec-bash each BashOperator's command really runs in bash (with its env and cwd).
"""

import builtins
import json
import os
import runpy
import socket
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True

from airflow._recorder import RECORD, StubError, plain, render  # noqa: E402


def forbidden(*args, **kwargs):
    raise RuntimeError("the DAG file did I/O at import time")


def run_file(path):
    saved = (builtins.open, socket.socket, subprocess.Popen, os.system, os.listdir, os.scandir)
    builtins.open = socket.socket = subprocess.Popen = os.system = os.listdir = os.scandir = forbidden
    try:
        runpy.run_path(path, run_name="dag_under_test")
    finally:
        builtins.open, socket.socket, subprocess.Popen, os.system, os.listdir, os.scandir = saved


MAX_MAP_LENGTH = 1024  # Airflow's default [core] max_map_length


def instances(mapped, xcom):
    """The mapped arguments of each task instance, as the scheduler expands them."""
    (field, arg), = mapped.items()  # pipewright maps one argument
    if not hasattr(arg, "operator"):
        raise StubError("the stub runs mappings over XComArgs only")
    items = xcom[arg.operator.task_id]
    if not isinstance(items, list):
        raise StubError(f"expand() over {arg.operator.task_id!r}: its XCom is {type(items).__name__}, not a list")
    if len(items) > MAX_MAP_LENGTH:
        raise StubError(f"{len(items)} mapped instances exceed max_map_length {MAX_MAP_LENGTH}")
    return [{field: arg.fn(item) if arg.fn else item} for item in items]


def run_bash(task, rendered):
    env = {**os.environ, **rendered.get("env", {})} if task.kwargs.get("append_env") else rendered.get("env")
    done = subprocess.run(["bash", "-c", rendered["bash_command"]], env=env, cwd=rendered.get("cwd"),
                          capture_output=True, text=True, check=False)
    return {"code": done.returncode, "stdout": done.stdout, "stderr": done.stderr}


def main():
    path, run_id = sys.argv[1], sys.argv[2]
    exec_bash = "--exec-bash" in sys.argv[3:]
    conf = json.loads(sys.argv[sys.argv.index("--conf") + 1]) if "--conf" in sys.argv else {}
    run_file(path)
    params = {}
    for dag in RECORD["dags"]:
        for name, param in (dag.kwargs.get("params") or {}).items():
            params[name] = conf.get(name, param.value if hasattr(param, "value") else param)
    context = {"run_id": run_id, "params": params}
    tasks = []
    xcom = {}
    # Tasks run in the order they were created, which for pipewright's loop is upstream first.
    for task in RECORD["tasks"]:
        mapped = getattr(task, "mapped", None)
        rendered = {f: render(task.kwargs[f], context) for f in task.template_fields if f in task.kwargs}
        entry = {
            "task_id": task.task_id,
            "kind": type(task).__name__,
            "group": task.group,
            "kwargs": plain(task.kwargs),
            "rendered": plain(rendered),
        }
        if mapped:
            entry["mapped"] = {field: arg.operator.task_id for field, arg in mapped.items()
                               if hasattr(arg, "operator")}
        if not exec_bash:
            tasks.append(entry)
            continue
        if entry["kind"] == "PythonOperator":
            result = task.kwargs["python_callable"](*rendered.get("op_args", []), **rendered.get("op_kwargs", {}))
            json.dumps(result)  # XCom values must be JSON-serialisable
            xcom[task.task_id] = result
            entry["returned"] = result
        elif entry["kind"] == "BashOperator":
            runs = []
            for values in instances(mapped, xcom) if mapped else [{}]:
                fields = {**rendered, **{f: render(v, context) for f, v in values.items()}}
                runs.append(run_bash(task, fields))
            entry["executed"] = runs if mapped else runs[0]
            if mapped:
                entry["instances"] = len(runs)
        tasks.append(entry)
    out = {
        "dags": [{"dag_id": d.dag_id, "kwargs": plain(d.kwargs)} for d in RECORD["dags"]],
        "groups": RECORD["groups"],
        "tasks": tasks,
        "edges": RECORD["edges"],
    }
    sys.stdout.write(json.dumps(out))


if __name__ == "__main__":
    main()
