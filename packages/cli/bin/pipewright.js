#!/usr/bin/env node
// The pipewright command. Projects are TypeScript (pipewright.config.ts, pipelines), so
// tsx's loader is registered first: users never compile by hand.
import { existsSync } from "node:fs";
import { register } from "tsx/esm/api";

register();
// In the workspace the CLI runs from its TypeScript sources; an installed package ships
// only the compiled dist/ (see the package's README, "How it is built").
const source = new URL("../src/main.ts", import.meta.url);
const entry = existsSync(source) ? source : new URL("../dist/main.js", import.meta.url);
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
