import type { ResolvedOptions } from "./options.ts";
import { pyLiteral, pyStr } from "./python.ts";

// The Python code of the emitted file, the same for every plan: the options choose its
// variant, and the DAG's settings are the only values from users here (all through
// pyStr/pyLiteral); names, commands and paths live in the tables.

/** The helper functions of the file: Jinja-safe values, run-node arguments, pod resources. */
export function helpers(kube: boolean): string[] {
  const operator = kube ? "KubernetesPodOperator" : "BashOperator";
  const lines = [
    String.raw`_JINJA_ESCAPES = {"{{": "{{ '{{' }}", "{%": "{{ '{%' }}", "{#": "{{ '{#' }}", "\r": "{{ '\\r' }}"}`,
    String.raw`_JINJA_MARK = re.compile(r"\{[{%#]|\r")`,
    String.raw`_TEMPLATE_SUFFIXES = tuple(${operator}.template_ext) + ("\n",)`,
    "",
    "",
    "def _verbatim(value):",
    '    """Airflow renders operator fields as Jinja templates; keep this value as written."""',
    "    # Jinja's markers, and carriage returns (Jinja turns them into newlines), become",
    "    # expressions that print them.",
    "    value = _JINJA_MARK.sub(lambda mark: _JINJA_ESCAPES[mark.group(0)], value)",
    "    # Jinja drops one trailing newline, and Airflow reads a value ending like a template",
    "    # file name as that file: an empty expression at the end prevents both.",
    `    return value + "{{ '' }}" if value.endswith(_TEMPLATE_SUFFIXES) else value`,
    "",
    "",
    "def _run_node(nodes):",
    '    args = ["run-node", "--pipeline", PIPELINE]',
    "    for node in nodes:",
    '        args += ["--node", node]',
    '    return args + ["--plan-hash", PLAN_HASH]',
  ];
  if (kube) {
    lines.push(
      "",
      "",
      "def _resources(requests):",
      '    """Requests for cpu and memory, memory also as the limit, GPUs as nvidia.com/gpu."""',
      "    if requests is None:",
      "        return None",
      "    cpu, memory, gpu = requests",
      '    asked = {"cpu": cpu, "memory": memory}',
      '    capped = {"memory": memory, "nvidia.com/gpu": str(gpu) if gpu else None}',
      "    return k8s.V1ResourceRequirements(",
      "        requests={key: _verbatim(value) for key, value in asked.items() if value is not None} or None,",
      "        limits={key: _verbatim(value) for key, value in capped.items() if value is not None} or None,",
      "    )",
    );
  }
  return lines;
}

function defaultArgs(o: ResolvedOptions): string {
  const parts = [
    `"retries": ${o.retries}`,
    `"retry_delay": datetime.timedelta(seconds=${pyLiteral(o.retryDelaySeconds)})`,
  ];
  if (o.timeoutSeconds !== null)
    parts.push(`"execution_timeout": datetime.timedelta(seconds=${pyLiteral(o.timeoutSeconds)})`);
  if (o.pool !== null) parts.push(`"pool": ${pyStr(o.pool)}`);
  if (o.queue !== null) parts.push(`"queue": ${pyStr(o.queue)}`);
  return `{${parts.join(", ")}}`;
}

/**
 * The `with DAG(...)` block: the DAG's settings, then the loop that creates one
 * TaskGroup per GROUPS entry and one operator per TASKS row, and wires the edges.
 */
export function dagBlock(o: ResolvedOptions, kube: boolean): string[] {
  const [y, m, d] = o.startDate;
  const lines = [
    "with DAG(",
    `    dag_id=${pyStr(o.dagId)},`,
    `    description=${pyStr(`pipewright pipeline ${o.pipeline}`)},`,
    `    schedule=${pyLiteral(o.schedule)},`,
    `    start_date=datetime.datetime(${y}, ${m}, ${d}, tzinfo=datetime.timezone.utc),`,
    `    catchup=${pyLiteral(o.catchup)},`,
    `    tags=${pyLiteral(o.tags)},`,
    `    max_active_tasks=${o.maxActiveTasks},`,
    `    default_args=${defaultArgs(o)},`,
    "    doc_md=DOC_MD,",
    ") as dag:",
  ];
  if (kube) {
    lines.push(
      "    image = _verbatim(IMAGE)",
      "    namespace = None if NAMESPACE is None else _verbatim(NAMESPACE)",
      "    cmds = [_verbatim(part) for part in COMMAND]",
      "    extra_args = [_verbatim(arg) for arg in EXTRA_ARGS]",
      "    env_vars = {name: _verbatim(value) for name, value in ENV.items()}",
    );
  } else {
    lines.push(
      "    cwd = _verbatim(PROJECT_DIR)",
      '    extra_args = "".join(" " + shlex.quote(arg) for arg in EXTRA_ARGS)',
      "    # Airflow's run id reaches the shell through the environment, never spliced into the command.",
      "    env = {name: _verbatim(value) for name, value in ENV.items()}",
      '    env["PIPEWRIGHT_RUN_ID"] = "{{ run_id }}"',
    );
  }
  lines.push(
    "    groups = {}",
    "    for group_id in GROUPS:",
    '        parent, _, name = group_id.rpartition(".")',
    "        groups[group_id] = TaskGroup(group_id=name, parent_group=groups.get(parent))",
    "    tasks = {}",
    `    for task_id, nodes, upstream, retries, timeout, ${kube ? "requests" : "_requests"} in TASKS:`,
    '        group, _, name = task_id.rpartition(".")',
    "        overrides = {}",
    "        if retries is not None:",
    '            overrides["retries"] = retries',
    "        if timeout is not None:",
    '            overrides["execution_timeout"] = datetime.timedelta(seconds=timeout)',
  );
  if (kube) {
    lines.push(
      "        task = KubernetesPodOperator(",
      "            task_id=name,",
      "            task_group=groups.get(group),",
      "            image=image,",
      "            namespace=namespace,",
      "            service_account_name=SERVICE_ACCOUNT_NAME,",
      "            cmds=list(cmds),",
      '            arguments=[*map(_verbatim, _run_node(nodes)), "--run-id", "{{ run_id }}", *extra_args],',
      "            env_vars=dict(env_vars),",
      "            secrets=list(SECRETS),",
      "            container_resources=_resources(requests),",
      `            on_finish_action=${pyStr(o.onFinishAction)},`,
      "            do_xcom_push=False,",
      "            **overrides,",
      "        )",
    );
  } else {
    lines.push(
      "        command = shlex.join(COMMAND + _run_node(nodes)) + ' --run-id \"$PIPEWRIGHT_RUN_ID\"' + extra_args",
      "        task = BashOperator(",
      "            task_id=name,",
      "            task_group=groups.get(group),",
      "            bash_command=_verbatim(command),",
      "            env=dict(env),",
      "            append_env=True,",
      "            cwd=cwd,",
      "            skip_on_exit_code=None,",
      "            do_xcom_push=False,",
      "            **overrides,",
      "        )",
    );
  }
  lines.push(
    "        if upstream:",
    "            task.set_upstream([tasks[up] for up in upstream])",
    "        tasks[task_id] = task",
  );
  return lines;
}
