export { compileAirflow } from "./compile.ts";
export type { AirflowOptions } from "./options.ts";
