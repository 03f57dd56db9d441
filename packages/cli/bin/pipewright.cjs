#!/usr/bin/env node
// The pipewright command. In the workspace the CLI runs from its TypeScript sources, so
// tsx's loader is registered first; an installed package ships only the compiled dist/
// (see the package's README, "How it is built") and starts without a TypeScript loader:
// a project is then loaded from a bundle, or through tsx only when it must be (see
// src/loader.ts).
//
// CommonJS on purpose: Node runs a CommonJS entry and the launcher it requires without
// starting its ES module loader (an ES entry costs every command ~5 ms before any code of
// ours runs: the loader itself, a facade per built-in imported, asynchronous reads).
"use strict";
// A command allocates most of its objects in its first tenth of a second (zod's schemas,
// the project, the plan), and V8 grows the young generation only by doubling, one
// scavenge at a time, from its smallest size: grown eightfold instead, a cached `status`
// makes four scavenges instead of seven (~4 ms of ~130). The largest size is V8's
// default still, so a long run uses no more memory than before. Read by the heap each
// time it grows: this is not a flag V8 fixes at start-up.
require("node:v8").setFlagsFromString("--semi-space-growth-factor=8");
const { existsSync } = require("node:fs");
const { join } = require("node:path");
const { pathToFileURL } = require("node:url");

// Node 20.15 is the oldest with everything pipewright calls (zlib.crc32, crypto.hash,
// import.meta.dirname): say so instead of failing later on a missing function.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 15)) {
  process.stderr.write(
    `error [UNSUPPORTED_NODE] pipewright needs Node.js 20.15 or newer; this is ${process.versions.node}. Install a newer Node.js (https://nodejs.org).\n`,
  );
  process.exit(1);
}

async function start() {
  const source = join(__dirname, "..", "src", "main.ts");
  const fromSource = existsSync(source);
  if (fromSource) {
    const { register } = await import("tsx/esm/api");
    register();
    // The project loader needs no second registration (see src/loader.ts).
    globalThis[Symbol.for("pipewright.tsx-registered")] = true;
  }
  const argv = process.argv.slice(2);
  // Installed, a project that has started before runs from its start-up image: one file
  // evaluated through V8's code cache (see src/image/launch.ts and docs/startup.md).
  const image = fromSource ? undefined : require("../dist/image/launch.cjs");
  const launched = image ? await image.launch(argv, __filename) : {};
  if (launched.code !== undefined) {
    process.exitCode = launched.code;
    return;
  }
  const entry = fromSource ? source : join(__dirname, "..", "dist", "main.js");
  const { main } = await import(pathToFileURL(entry).href);
  process.exitCode = await main(argv);
  if (image && launched.build)
    await image.buildAfter(
      launched.build,
      __filename,
      join(__dirname, "..", "dist", "image", "build-main.js"),
    );
}

// main() reports its own errors; this is for a failure to load it at all.
start().catch((error) => {
  process.stderr.write(`error [INTERNAL] ${error?.stack ?? error}\n`);
  process.exitCode = 1;
});
