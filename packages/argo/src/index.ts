export { compileArgo } from "./compile.ts";
export type { ArgoKind, ArgoOptions } from "./options.ts";
