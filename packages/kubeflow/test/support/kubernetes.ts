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

/** A container's env after the kubelet: each value expanded with the variables defined before it. */
export function expandedEnv(env: { name: string; value: string }[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of env) out[e.name] = k8sExpand(e.value, out);
  return out;
}
