/**
 * Kubernetes' $(VAR) expansion of command, args and env values, as documented for
 * EnvVar.value: `$(NAME)` becomes the variable's value when defined (else stays as is),
 * `$$` becomes `$`, any other `$` stays. Written from the documented behaviour.
 */
export function k8sExpand(text: string, env: Record<string, string>): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== "$" || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const next = text[i + 1]!;
    if (next === "$") {
      out += "$";
      i++;
    } else if (next === "(") {
      const close = text.indexOf(")", i + 2);
      if (close === -1) {
        out += "$(";
        i++;
      } else {
        const name = text.slice(i + 2, close);
        out += name in env ? env[name] : `$(${name})`;
        i = close;
      }
    } else {
      out += `$${next}`;
      i++;
    }
  }
  return out;
}

/** The env of a container as a record of plain values (secret references left out). */
export function plainEnv(container: {
  env?: { name: string; value?: string }[];
}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of container.env ?? [])
    if (e.value !== undefined) env[e.name] = k8sExpand(e.value, env);
  return env;
}
