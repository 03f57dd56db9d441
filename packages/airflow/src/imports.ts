import type { ResolvedOptions } from "./options.ts";

/**
 * Import lines per Airflow version and operator. Checked against the Airflow sources
 * (see the package README): Airflow 3 authors DAGs with `airflow.sdk` and takes
 * BashOperator from the standard provider; Airflow 2 keeps the older paths. The
 * KubernetesPodOperator path is the same in both (cncf.kubernetes provider >= 10).
 */
export function importLines(o: ResolvedOptions, params: boolean, fanOut = false): string[] {
  const lines = ["from __future__ import annotations", "", "import datetime", "import json"];
  // The bash variant's listing task runs run-node in a subprocess (see dag-code.ts).
  if (o.operator === "bash" && fanOut) lines.push("import os");
  lines.push("import re");
  if (o.operator === "bash") lines.push("import shlex");
  if (o.operator === "bash" && fanOut) lines.push("import subprocess");
  lines.push("");
  const from: string[] = [];
  if (o.version === 3)
    from.push(`from airflow.sdk import DAG, ${params ? "Param, " : ""}TaskGroup`);
  else {
    from.push("from airflow import DAG", "from airflow.utils.task_group import TaskGroup");
    if (params) from.push("from airflow.models.param import Param");
  }
  if (o.operator === "kubernetes") {
    from.push(
      "from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator",
      "from airflow.providers.cncf.kubernetes.secret import Secret",
      "from kubernetes.client import models as k8s",
    );
  } else if (o.version === 3) {
    from.push("from airflow.providers.standard.operators.bash import BashOperator");
    if (fanOut) from.push("from airflow.providers.standard.operators.python import PythonOperator");
  } else {
    from.push("from airflow.operators.bash import BashOperator");
    if (fanOut) from.push("from airflow.operators.python import PythonOperator");
  }
  // isort order: plain module name order, as a Python linter would leave it.
  return [...lines, ...from.sort()];
}
