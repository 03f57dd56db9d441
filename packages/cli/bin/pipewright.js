#!/usr/bin/env node
// The pipewright command. In the workspace the CLI runs from its TypeScript sources, so
// tsx's loader is registered first; an installed package ships only the compiled dist/
// (see the package's README, "How it is built") and starts without a TypeScript loader:
// a project is then loaded from a bundle, or through tsx only when it must be (see
// src/loader.ts).
import { existsSync } from "node:fs";

const source = new URL("../src/main.ts", import.meta.url);
const fromSource = existsSync(source);
if (fromSource) {
  const { register } = await import("tsx/esm/api");
  register();
  // The project loader needs no second registration (see src/loader.ts).
  globalThis[Symbol.for("pipewright.tsx-registered")] = true;
}
const entry = fromSource ? source : new URL("../dist/main.js", import.meta.url);
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
