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
    lines.push(...podHelpers());
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

/** KubernetesPodOperator arguments from a POD_PROFILES entry. */
function podHelpers(): string[] {
  return [
    "",
    "",
    "def _items(source):",
    '    items = source.get("items")',
    '    return None if items is None else [k8s.V1KeyToPath(key=i["key"], path=i["path"]) for i in items]',
    "",
    "",
    "def _volume(v):",
    '    """A volume of the pod settings as a Kubernetes client model: exactly one source."""',
    '    if "persistentVolumeClaim" in v:',
    '        s = v["persistentVolumeClaim"]',
    '        source = {"persistent_volume_claim": k8s.V1PersistentVolumeClaimVolumeSource(claim_name=s["claimName"], read_only=s.get("readOnly"))}',
    '    elif "secret" in v:',
    '        s = v["secret"]',
    '        source = {"secret": k8s.V1SecretVolumeSource(secret_name=s["secretName"], items=_items(s), default_mode=s.get("defaultMode"))}',
    '    elif "configMap" in v:',
    '        s = v["configMap"]',
    '        source = {"config_map": k8s.V1ConfigMapVolumeSource(name=s["name"], items=_items(s))}',
    "    else:",
    '        s = v["emptyDir"]',
    '        source = {"empty_dir": k8s.V1EmptyDirVolumeSource(medium=s.get("medium"), size_limit=s.get("sizeLimit"))}',
    '    return k8s.V1Volume(name=v["name"], **source)',
    "",
    "",
    "def _env_from(e):",
    '    if "secretRef" in e:',
    '        return k8s.V1EnvFromSource(prefix=e.get("prefix"), secret_ref=k8s.V1SecretEnvSource(name=e["secretRef"]))',
    '    return k8s.V1EnvFromSource(prefix=e.get("prefix"), config_map_ref=k8s.V1ConfigMapEnvSource(name=e["configMapRef"]))',
    "",
    "",
    "def _pod(settings):",
    '    """KubernetesPodOperator arguments for one POD_PROFILES entry (only those it sets)."""',
    '    volumes = settings.get("volumes", [])',
    "    args = {",
    '        "node_selector": settings.get("nodeSelector"),',
    "        # Tolerations and affinity stay dicts in Kubernetes' field names: the provider",
    "        # builds the models; security contexts go into the pod spec as written.",
    '        "tolerations": settings.get("tolerations"),',
    '        "affinity": settings.get("affinity"),',
    '        "security_context": settings.get("securityContext"),',
    '        "container_security_context": settings.get("containerSecurityContext"),',
    '        "image_pull_secrets": [k8s.V1LocalObjectReference(name=name) for name in settings.get("imagePullSecrets", [])],',
    '        "volumes": [_volume(v) for v in volumes],',
    '        "volume_mounts": [',
    '            k8s.V1VolumeMount(name=v["name"], mount_path=v["mountPath"], sub_path=v.get("subPath"), read_only=v.get("readOnly"))',
    "            for v in volumes",
    "        ],",
    '        "env_from": [_env_from(e) for e in settings.get("envFrom", [])],',
    "    }",
    "    return {key: value for key, value in args.items() if value}",
  ];
}

function defaultArgs(o: ResolvedOptions): string {
  const parts = [
    `"retries": ${o.retries}`,
    `"retry_delay": datetime.timedelta(seconds=${pyLiteral(o.retryDelaySeconds)})`,
    `"retry_exponential_backoff": ${pyLiteral(o.retryExponentialBackoff)}`,
  ];
  if (o.maxRetryDelaySeconds !== null)
    parts.push(
      `"max_retry_delay": datetime.timedelta(seconds=${pyLiteral(o.maxRetryDelaySeconds)})`,
    );
  if (o.timeoutSeconds !== null)
    parts.push(
      `"execution_timeout": datetime.timedelta(seconds=${pyLiteral(o.timeoutSeconds + o.startupSeconds)})`,
    );
  if (o.pool !== null) parts.push(`"pool": ${pyStr(o.pool)}`);
  if (o.queue !== null) parts.push(`"queue": ${pyStr(o.queue)}`);
  return `{${parts.join(", ")}}`;
}

/**
 * The `with DAG(...)` block: the DAG's settings, then the loop that creates one
 * TaskGroup per GROUPS entry and one operator per TASKS row, and wires the edges.
 */
export function dagBlock(
  o: ResolvedOptions,
  kube: boolean,
  runtime: boolean,
  fanOut = false,
): string[] {
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
    ...(runtime ? ["    params=PARAMS,"] : []),
    ") as dag:",
  ];
  if (kube) {
    lines.push(
      "    image = _verbatim(IMAGE)",
      "    namespace = None if NAMESPACE is None else _verbatim(NAMESPACE)",
      "    cmds = [_verbatim(part) for part in COMMAND]",
      "    extra_args = [_verbatim(arg) for arg in EXTRA_ARGS]",
      "    env_vars = {name: _verbatim(value) for name, value in ENV.items()}",
      "    # The run's value of each runtime param, as JSON (which --params reads); Kubernetes",
      '    # expands $(VAR) in arguments, so "$" is doubled.',
      "    params_args = []",
      "    for name in RUNTIME_PARAMS:",
      `        params_args += ["--params", name + "={{ params[" + repr(name) + "] | tojson | replace('$', '$$') }}"]`,
    );
  } else {
    lines.push(
      "    cwd = _verbatim(PROJECT_DIR)",
      '    extra_args = "".join(" " + shlex.quote(arg) for arg in EXTRA_ARGS)',
      "    # Airflow's run id reaches the shell through the environment, never spliced into the command.",
      "    env = {name: _verbatim(value) for name, value in ENV.items()}",
      '    env["PIPEWRIGHT_RUN_ID"] = "{{ run_id }}"',
      "    # Runtime params: the run's value as JSON, through the environment like the run id.",
      '    params_args = ""',
      "    for i, name in enumerate(RUNTIME_PARAMS, 1):",
      `        env[f"PIPEWRIGHT_PARAM_{i}"] = "{{ params[" + repr(name) + "] | tojson }}"`,
      `        params_args += " --params " + shlex.quote(name + "=") + f'"$PIPEWRIGHT_PARAM_{i}"'`,
    );
  }
  lines.push(
    "    groups = {}",
    "    for group_id in GROUPS:",
    '        parent, _, name = group_id.rpartition(".")',
    "        groups[group_id] = TaskGroup(group_id=name, parent_group=groups.get(parent))",
    "    tasks = {}",
    `    for task_id, nodes, upstream, retries, timeout, ${kube ? "requests, profile" : "_requests"} in TASKS:`,
    '        group, _, name = task_id.rpartition(".")',
    "        overrides = {}",
    "        if retries is not None:",
    '            overrides["retries"] = retries',
    "        if timeout is not None:",
    '            overrides["execution_timeout"] = datetime.timedelta(seconds=timeout)',
  );
  if (kube && fanOut) {
    // Plans with map nodes: the operator's arguments as a dict, so a map node's task can
    // be a listing pod plus a mapped one (fanOutHelpers); other plans keep the plain form.
    lines.push(
      "        pod = POD_PROFILES[profile]",
      "        args = dict(",
      "            task_group=groups.get(group),",
      "            image=image,",
      "            namespace=namespace,",
      '            service_account_name=pod.get("serviceAccountName", SERVICE_ACCOUNT_NAME),',
      "            cmds=list(cmds),",
      '            env_vars={**env_vars, **{key: _verbatim(value) for key, value in pod.get("env", {}).items()}},',
      "            secrets=[",
      "                *SECRETS,",
      '                *(Secret("env", key, ref["secret"], ref["key"]) for key, ref in sorted(pod.get("secretEnv", {}).items())),',
      "            ],",
      "            container_resources=_resources(requests),",
      `            on_finish_action=${pyStr(o.onFinishAction)},`,
      "            **_pod(pod),",
      "            **overrides,",
      "        )",
      '        arguments = [*map(_verbatim, _run_node(nodes)), "--run-id", "{{ run_id }}", *extra_args, *params_args]',
      "        if task_id in FAN_OUT:",
      "            # The listing pod writes the batches where the provider reads a pod's XCom.",
      "            listing = KubernetesPodOperator(",
      '                task_id=name + "__list",',
      '                arguments=[*arguments, "--fan-out", str(FAN_OUT[task_id]), "--out", "/airflow/xcom/return.json"],',
      "                do_xcom_push=True,",
      "                **args,",
      "            )",
      "            task = KubernetesPodOperator.partial(task_id=name, do_xcom_push=False, **args).expand(",
      "                arguments=listing.output.map(_with_batch(arguments)),",
      "            )",
      "        else:",
      "            task = KubernetesPodOperator(task_id=name, arguments=arguments, do_xcom_push=False, **args)",
    );
  } else if (kube) {
    lines.push(
      "        pod = POD_PROFILES[profile]",
      "        task = KubernetesPodOperator(",
      "            task_id=name,",
      "            task_group=groups.get(group),",
      "            image=image,",
      "            namespace=namespace,",
      '            service_account_name=pod.get("serviceAccountName", SERVICE_ACCOUNT_NAME),',
      "            cmds=list(cmds),",
      '            arguments=[*map(_verbatim, _run_node(nodes)), "--run-id", "{{ run_id }}", *extra_args, *params_args],',
      '            env_vars={**env_vars, **{key: _verbatim(value) for key, value in pod.get("env", {}).items()}},',
      "            secrets=[",
      "                *SECRETS,",
      '                *(Secret("env", key, ref["secret"], ref["key"]) for key, ref in sorted(pod.get("secretEnv", {}).items())),',
      "            ],",
      "            container_resources=_resources(requests),",
      `            on_finish_action=${pyStr(o.onFinishAction)},`,
      "            do_xcom_push=False,",
      "            **_pod(pod),",
      "            **overrides,",
      "        )",
    );
  } else if (fanOut) {
    lines.push(
      "        command = shlex.join(COMMAND + _run_node(nodes)) + ' --run-id \"$PIPEWRIGHT_RUN_ID\"' + extra_args + params_args",
      "        args = dict(task_group=groups.get(group), env=dict(env), append_env=True, cwd=cwd, **overrides)",
      "        if task_id in FAN_OUT:",
      "            # run-node prints the batches as JSON; the listing returns them (its XCom).",
      "            listing = PythonOperator(",
      '                task_id=name + "__list",',
      "                python_callable=_list_batches,",
      '                op_args=[_verbatim(command + " --fan-out " + str(FAN_OUT[task_id]))],',
      '                op_kwargs={"env": dict(env), "cwd": cwd},',
      "                **overrides,",
      "                task_group=groups.get(group),",
      "            )",
      "            task = BashOperator.partial(task_id=name, skip_on_exit_code=None, do_xcom_push=False, **args).expand(",
      "                bash_command=listing.output.map(_with_batch(command)),",
      "            )",
      "        else:",
      "            task = BashOperator(",
      "                task_id=name,",
      "                bash_command=_verbatim(command),",
      "                skip_on_exit_code=None,",
      "                do_xcom_push=False,",
      "                **args,",
      "            )",
    );
  } else {
    lines.push(
      "        command = shlex.join(COMMAND + _run_node(nodes)) + ' --run-id \"$PIPEWRIGHT_RUN_ID\"' + extra_args + params_args",
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
  if (fanOut) {
    lines.push(
      "        first = listing if task_id in FAN_OUT else task",
      "        if upstream:",
      "            first.set_upstream([tasks[up] for up in upstream])",
      "        if task_id in FAN_OUT:",
      "            task.set_upstream([listing])",
      "        tasks[task_id] = task",
    );
    return lines;
  }
  lines.push(
    "        if upstream:",
    "            task.set_upstream([tasks[up] for up in upstream])",
    "        tasks[task_id] = task",
  );
  return lines;
}

/**
 * Helpers of DAG files whose plan has map nodes: a map node's task is a listing task
 * (run-node --fan-out, whose XCom is the list of batches) and a task mapped over it with
 * `.expand()`, each instance running `run-node --batch <one batch>`.
 */
export function fanOutHelpers(kube: boolean): string[] {
  const lines = [
    "",
    "",
    "def _with_batch(base):",
    '    """For XComArg.map: the arguments of one mapped instance, for one batch of the listing."""',
  ];
  if (kube) lines.push('    return lambda batch: [*base, "--batch", _verbatim(batch)]');
  else
    lines.push(
      '    return lambda batch: _verbatim(base + " --batch " + shlex.quote(batch))',
      "",
      "",
      "def _list_batches(command, env, cwd):",
      '    """The listing task: runs run-node --fan-out and returns its batches (the last stdout line)."""',
      '    done = subprocess.run(["bash", "-c", command], env={**os.environ, **env}, cwd=cwd, capture_output=True, text=True, check=False)',
      "    if done.returncode != 0:",
      '        raise RuntimeError(f"pipewright run-node --fan-out failed ({done.returncode}): {done.stderr[-2000:]}")',
      "    return json.loads(done.stdout.strip().splitlines()[-1])",
    );
  return lines;
}
