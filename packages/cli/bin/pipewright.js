#!/usr/bin/env node
// The pipewright command. Projects are TypeScript (pipewright.config.ts, pipelines), so
// tsx's loader is registered first: users never compile by hand.
import { register } from "tsx/esm/api";

register();
// The project loader needs no second registration (see src/loader.ts).
globalThis[Symbol.for("pipewright.tsx-registered")] = true;
const { main } = await import("../src/main.ts");
process.exitCode = await main(process.argv.slice(2));
