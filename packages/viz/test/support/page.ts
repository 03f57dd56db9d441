import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Page } from "playwright-core";
import type { Browser } from "./browser.ts";

/** test-artifacts/viz at the repository root (gitignored): screenshots to look at. */
export const ARTIFACTS = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "..",
  "..",
  "test-artifacts",
  "viz",
);
const pages = mkdtempSync(join(tmpdir(), "pw-viz-pages-"));

export interface OpenPage {
  page: Page;
  /** Console errors and uncaught exceptions seen so far. */
  errors: string[];
}

/** Writes `html` to a file and opens it from disk (file://), waiting until the drawing is ready. */
export async function openFromDisk(
  browser: Browser,
  name: string,
  html: string,
): Promise<OpenPage> {
  const file = join(pages, `${name}.html`);
  writeFileSync(file, html);
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  // Nothing may leave the machine: any request that is not the file itself fails the test.
  page.on("request", (r) => {
    if (r.url() !== pathToFileURL(file).href) errors.push(`unexpected request: ${r.url()}`);
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector("html[data-ready=true]");
  return { page, errors };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}
