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

from airflow._recorder import RECORD, plain, render  # noqa: E402


def forbidden(*args, **kwargs):
    raise RuntimeError("the DAG file did I/O at import time")


def run_file(path):
    saved = (builtins.open, socket.socket, subprocess.Popen, os.system, os.listdir, os.scandir)
    builtins.open = socket.socket = subprocess.Popen = os.system = os.listdir = os.scandir = forbidden
    try:
        runpy.run_path(path, run_name="dag_under_test")
    finally:
        builtins.open, socket.socket, subprocess.Popen, os.system, os.listdir, os.scandir = saved


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
    for task in RECORD["tasks"]:
        rendered = {f: render(task.kwargs[f], context) for f in task.template_fields if f in task.kwargs}
        entry = {
            "task_id": task.task_id,
            "kind": type(task).__name__,
            "group": task.group,
            "kwargs": plain(task.kwargs),
            "rendered": plain(rendered),
        }
        if exec_bash and entry["kind"] == "BashOperator":
            env = {**os.environ, **rendered.get("env", {})} if task.kwargs.get("append_env") else rendered.get("env")
            done = subprocess.run(["bash", "-c", rendered["bash_command"]], env=env, cwd=rendered.get("cwd"),
                                  capture_output=True, text=True, check=False)
            entry["executed"] = {"code": done.returncode, "stdout": done.stdout, "stderr": done.stderr}
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
