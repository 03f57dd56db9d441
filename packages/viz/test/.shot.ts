import { pathToFileURL } from "node:url";
import { launchBrowser } from "/work/main/packages/viz/test/support/browser.ts";

const [file, out, w, h] = process.argv.slice(2);
const b = await launchBrowser();
const page = await b.context.newPage();
if (w) await page.setViewportSize({ width: +w, height: +h });
page.on("console", (m) => console.log("console:", m.type(), m.text()));
page.on("pageerror", (e) => console.log("pageerror:", e.message));
const t = Date.now();
await page.goto(pathToFileURL(file).href);
await page.waitForSelector("html[data-ready=true]", { timeout: 60000 });
console.log(
  "ready after",
  Date.now() - t,
  await page.evaluate(() => JSON.stringify((window as any).pipewrightViz)),
);
if (process.env.STEPS) {
  for (const step of process.env.STEPS.split(";;")) {
    const [kind, arg] = step.split("::");
    if (kind === "click") await page.click(arg!);
    else if (kind === "fill") {
      const [sel, text] = arg!.split("=>");
      await page.fill(sel!, text!);
    } else if (kind === "key") await page.keyboard.press(arg!);
    else if (kind === "wait") await page.waitForTimeout(+arg!);
  }
  await page.waitForTimeout(500);
}
if (process.env.CLICK) {
  await page.click(process.env.CLICK);
  await page.waitForTimeout(400);
}
await page.screenshot({ path: out });
await b.close();
