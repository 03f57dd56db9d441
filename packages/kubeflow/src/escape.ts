/**
 * How user strings reach the container unchanged, or are refused.
 *
 * Three layers read a KFP pipeline's strings before the program does:
 * - On Kubeflow, the backend compiles the pipeline into an Argo Workflow with the component
 *   and executor specs inlined as parameter values, and Argo substitutes `{{...}}` tags in
 *   them (it has no escape: argoproj/argo-workflows#8253).
 * - The KFP launcher replaces placeholders (`{{$}}`, `{{$.inputs.parameters['x']}}` ...)
 *   in the command and args with `strings.ReplaceAll`, in random map order, with no
 *   escape either (backend/src/v2/component/launcher_v2.go, getPlaceholders).
 * - Kubernetes expands `$(VAR)` and `$$` in env values, and on Kubeflow also in command and
 *   args, which the pod runs through the launcher; Vertex AI documents the expansion for env
 *   values only.
 *
 * So command and args cannot carry `{{`, `$(` or `$$` portably, and a string holding them
 * is refused at compile time. Env values can carry anything: every `$` becomes `$$` and a
 * `{` that starts `{{` becomes `$(PIPEWRIGHT_LBRACE)`, an env var holding "{". No layer
 * sees a tag; Kubernetes turns the text back into the user's string last.
 */

/** The env var, set to "{", that encoded env values use for a literal brace. */
export const LBRACE_ENV = "PIPEWRIGHT_LBRACE";

/** Why `text` cannot be a command-line argument of the container, or undefined. */
export function argProblem(text: string): string | undefined {
  if (text.includes("{{"))
    return 'contains "{{", which KFP (and Argo under it) would read as a placeholder in command-line arguments, where neither has an escape';
  if (/\$[($]/.test(text))
    return 'contains "$(" or "$$", which Kubernetes expands in the arguments of a Kubeflow pod but Vertex AI does not, so no spelling reaches both unchanged';
  return undefined;
}

/** The text to emit as an env value so the container receives exactly `text` (needs LBRACE_ENV when it holds "{{"). */
export function envText(text: string): string {
  const escaped = text.replace(/\$/g, () => "$$");
  return escaped.includes("{{") ? escaped.replace(/\{(?=\{)/g, () => `$(${LBRACE_ENV})`) : escaped;
}

/**
 * A string shown by KFP and never run (display names, descriptions): `{{` is split so no
 * layer evaluates it. Only plans that did not come from `compile()` can need this.
 */
export function displayText(text: string): string {
  return text.replace(/\{(?=\{)/g, "{ ");
}
