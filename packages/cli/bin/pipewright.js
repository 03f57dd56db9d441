#!/usr/bin/env node
// The pipewright command. In the workspace the CLI runs from its TypeScript sources, so
// tsx's loader is registered first; an installed package ships only the compiled dist/
// (see the package's README, "How it is built") and starts without a TypeScript loader:
// a project is then loaded from a bundle, or through tsx only when it must be (see
// src/loader.ts).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

// Node 20.15 is the oldest with everything pipewright calls (zlib.crc32, crypto.hash,
// import.meta.dirname): say so instead of failing later on a missing function.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 15)) {
  process.stderr.write(
    `error [UNSUPPORTED_NODE] pipewright needs Node.js 20.15 or newer; this is ${process.versions.node}. Install a newer Node.js (https://nodejs.org).\n`,
  );
  process.exit(1);
}

const source = new URL("../src/main.ts", import.meta.url);
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
const image = fromSource ? undefined : await import("../dist/image/launch.js");
const bin = fileURLToPath(import.meta.url);
const launched = image ? await image.launch(argv, bin) : {};
if (launched.code !== undefined) process.exitCode = launched.code;
else {
  const entry = fromSource ? source : new URL("../dist/main.js", import.meta.url);
  const { main } = await import(entry.href);
  process.exitCode = await main(argv);
  if (image && launched.build)
    await image.buildAfter(
      launched.build,
      bin,
      fileURLToPath(new URL("../dist/image/build-main.js", import.meta.url)),
    );
}
