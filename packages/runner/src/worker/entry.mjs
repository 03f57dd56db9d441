// Worker-thread entry, plain JavaScript on purpose: a worker does not inherit the
// TypeScript loader of the thread that started it, so it registers tsx itself before
// loading the worker code and the user's pipewright.config.ts.
import { register } from "tsx/esm/api";

register();
await import("./main.ts");
