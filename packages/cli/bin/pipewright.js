#!/usr/bin/env node
// The pipewright command. Projects are TypeScript (pipewright.config.ts, pipelines), so
// tsx's loader is registered first: users never compile by hand.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/main.ts");
process.exitCode = await main(process.argv.slice(2));
