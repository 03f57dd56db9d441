/**
 * Argo's simple template tags, as the harness resolves them: `{{inputs.parameters.x}}`,
 * `{{workflow.parameters.x}}`, `{{workflow.uid}}` and `{{workflow.name}}`. Anything else in
 * `{{...}}` (expressions, tags of other scopes) is an error, so a manifest that relies on
 * more than the harness models fails loudly instead of running differently.
 */
export type Scope = ReadonlyMap<string, string>;

const TAG = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** `text` with every tag replaced from `scope`; throws on a tag it does not know. */
export function substitute(text: string, scope: Scope, where: string): string {
  return text.replace(TAG, (whole, name: string) => {
    if (name.startsWith("=")) throw new Error(`${where}: expression tag ${whole} is not modelled`);
    const value = scope.get(name);
    if (value === undefined) throw new Error(`${where}: unknown tag ${whole}`);
    return value;
  });
}

/** Every string inside `value` substituted (keys are left alone), as Argo does on a template. */
export function substituteAll<T>(value: T, scope: Scope, where: string): T {
  if (typeof value === "string") return substitute(value, scope, where) as T;
  if (Array.isArray(value)) return value.map((v) => substituteAll(v, scope, where)) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substituteAll(v, scope, where)]),
    ) as T;
  }
  return value;
}

/**
 * The tasks a DAG task waits for, from its `depends`. The harness models the form
 * pipewright emits, names joined by `&&` (each meaning "succeeded"); any other operator
 * or result selector is an error.
 */
export function dependsOn(depends: string | undefined, where: string): string[] {
  if (depends === undefined || depends.trim() === "") return [];
  return depends.split("&&").map((part) => {
    const name = part.trim();
    if (!/^[a-zA-Z0-9][-a-zA-Z0-9]*$/.test(name))
      throw new Error(
        `${where}: depends "${depends}" uses more than "a && b", which is not modelled`,
      );
    return name;
  });
}
