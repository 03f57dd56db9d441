/**
 * Kubernetes' expansion of `$(VAR)` in a container's command, args and env values
 * (k8s.io/kubernetes third_party/forked/golang/expansion): `$$` is a literal `$`,
 * `$(NAME)` is NAME's value when the container defines it and is left as written
 * otherwise, and any other `$` stays. Test harnesses use it to see what a process in a
 * pod would really receive.
 */
export function kubeletExpand(input: string, env: ReadonlyMap<string, string>): string {
  let out = "";
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== "$" || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const rest = input.slice(cursor + 1);
    let read: string;
    let advance = 1;
    if (rest[0] === "$") read = "$";
    else if (rest[0] === "(") {
      const close = rest.indexOf(")");
      if (close === -1) read = "$(";
      else {
        const name = rest.slice(1, close);
        read = env.has(name) ? env.get(name)! : `$(${name})`;
        advance = close + 1;
      }
    } else read = `$${rest[0]}`;
    out += read;
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}
