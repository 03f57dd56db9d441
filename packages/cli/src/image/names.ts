/**
 * A `__name(f,"f");` statement that esbuild's keepNames writes after a declaration whose
 * binding it did not rename: after `;`, `{` or `}` (a statement of its own, not a value),
 * and before `;` or `}`.
 */
const SAME_NAME = /(?<=[;{}]|^)__name\(([A-Za-z_$][\w$]*),"([A-Za-z_$][\w$]*)"\)(?=[;}])/gm;

/**
 * The image with every `__name(f,"f")` statement turned into spaces. esbuild's keepNames
 * writes one after each function declaration (and each function bound by `let`), so that
 * a name survives the renaming of colliding names in a bundle; the image needs it for the
 * renamed ones (`__name(init2,"init")`), but writes it for ~1,300 others, each a
 * defineProperty call at every start (~1.5 ms of a cached `status`). A declaration
 * `function f` already has the name "f", as does a function expression bound by
 * `let f =`; setting it again changes nothing.
 *
 * The text keeps its length and its lines, so the source map, the site table and the code
 * cache's positions stay right. `__name(this,"C")` in a class's static block is kept.
 */
export function blankRedundantNames(code: string): string {
  return code.replace(SAME_NAME, (call, binding: string, name: string) =>
    binding === name ? " ".repeat(call.length) : call,
  );
}
