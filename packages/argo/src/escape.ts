/**
 * How a string reaches the container unchanged.
 *
 * Argo substitutes `{{...}}` tags in every string of a template, several times over
 * (global pass, inputs pass, and once more on the pod spec; see util/template and
 * workflow/controller/workflowpod.go), and `{{=...}}` is evaluated as an expr program.
 * Argo has no escape for `{{` (argoproj/argo-workflows#8253, #2430). So a user string
 * must never contain `{{` by the time Argo reads it.
 *
 * Kubernetes then expands `$(VAR)` in a container's command, args and env values, with
 * `$$` standing for a literal `$`. We use that second, well-defined layer: every `$`
 * becomes `$$`, and a `{` that starts `{{` becomes `$(PIPEWRIGHT_LBRACE)`, an env var
 * holding "{". Argo sees no tag; the kubelet turns the text back into the user's string.
 */

/** The env var, set to "{", that encoded strings use for a literal brace. */
export const LBRACE_ENV = "PIPEWRIGHT_LBRACE";

/**
 * The text to emit in a command, args or env value so that the container receives exactly
 * `text`; it needs LBRACE_ENV defined in the container when `text` contains "{{".
 */
export function containerText(text: string): string {
  const escaped = text.replace(/\$/g, () => "$$");
  return escaped.includes("{{") ? escaped.replace(/\{(?=\{)/g, () => `$(${LBRACE_ENV})`) : escaped;
}

/** Whether any of these strings, once encoded, refers to LBRACE_ENV. */
export function needsLbrace(texts: Iterable<string>): boolean {
  for (const t of texts) if (t.includes("{{")) return true;
  return false;
}

/**
 * A string shown by Argo and never run (display names): `{{` is split so Argo does not
 * evaluate it. Only plans that did not come from `compile()` can need this.
 */
export function displayText(text: string): string {
  return text.replace(/\{(?=\{)/g, "{ ");
}
