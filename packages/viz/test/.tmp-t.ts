import { readFileSync, writeFileSync } from "node:fs";
import { pageAssets } from "../src/html/assets.ts";

const html = readFileSync("/tmp/vizexp/big-ns.html", "utf8");
const start = html.lastIndexOf("<script>\n(() => {");
const a = pageAssets();
let out = html.slice(0, start) + "<script>\n" + a.script + "\n</script>\n</body>\n</html>\n";
out = out.replace(/<style>[\s\S]*?<\/style>/, `<style>\n${a.style}\n</style>`);
writeFileSync("/tmp/vizexp/big-ns.html", out);
