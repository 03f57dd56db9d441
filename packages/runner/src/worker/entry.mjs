// Worker-thread entry, plain JavaScript on purpose: a worker does not inherit the
// TypeScript loader of the thread that started it, so it registers tsx itself before
// loading the worker code and the user's pipewright.config.ts.
import { register } from "tsx/esm/api";

// zod is imported by every pipeline; loading it before tsx's hooks are in place takes
// the native loader (about twice as fast). The config's own import of zod then resolves
// to the same file and reuses this module.
await import("zod").catch(() => {});
register();
await import("./main.ts");
