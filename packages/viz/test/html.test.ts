import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { pageAssets } from "../src/html/assets.ts";
import { escapeHtml, jsonForScript } from "../src/html/escape.ts";
import { firstLayout, layoutOnBigStack } from "../src/html/first-layout.ts";
import { renderHtml } from "../src/index.ts";
import { buildModel } from "../src/model/build-model.ts";
import type { VizData } from "../src/model/types.ts";
import { HOSTILE, hostilePlan, spaceflightsPlan } from "./fixtures.ts";

function embeddedData(html: string): VizData {
  const match = html.match(/<script type="application\/json" id="pw-data">([\s\S]*?)<\/script>/);
  if (!match) throw new Error("no data element");
  return JSON.parse(match[1]!) as VizData;
}

describe("renderHtml", () => {
  const html = renderHtml(spaceflightsPlan());

  it("is one self-contained document: no external scripts, styles, fonts or images", () => {
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/@import|url\(\s*['"]?(https?:)?\/\//i);
    expect(html).not.toMatch(/<img\b/i);
    // The policy forbids loading anything else, so even a slip could not reach the network.
    expect(html).toContain(`content="default-src 'none';`);
    // dagre is inlined, with its licence.
    expect(html).toContain("Copyright (c) 2012-2014 Chris Pettitt");
  });

  it("embeds the data with the first view's layout", () => {
    const data = embeddedData(html);
    expect(data.pipeline).toBe("spaceflights");
    expect(data.vertices.filter((v) => v.kind === "node")).toHaveLength(9);
    expect(Object.keys(data.layout).length).toBe(5); // the page and four namespaces
  });

  it("uses the given title, escaped", () => {
    const page = renderHtml(spaceflightsPlan(), { title: "<b>Flights</b> & co" });
    expect(page).toContain("<title>&lt;b&gt;Flights&lt;/b&gt; &amp; co</title>");
    expect(page).toContain('<h1 id="pipeline-title">&lt;b&gt;Flights&lt;/b&gt; &amp; co</h1>');
    expect(html).toContain("<title>spaceflights · pipewright</title>");
  });

  it("keeps hostile names inside the data: no script end tag or comment can break out", () => {
    const page = renderHtml(hostilePlan(), { title: "</title><script>window.__pwned=4</script>" });
    // Exactly the page's own three scripts open and close.
    expect(page.match(/<script\b/gi)).toHaveLength(3);
    expect(page.match(/<\/script/gi)).toHaveLength(3);
    expect(page).not.toContain("<!--");
    const data = embeddedData(page);
    const ids = data.vertices.map((v) => v.id);
    expect(ids).toContain(`${HOSTILE.namespace}.${HOSTILE.node}`);
    expect(ids).toContain(`${HOSTILE.namespace}.${HOSTILE.dataset}`);
    expect(data.vertices.find((v) => v.kind === "param")!.param!.value).toBe(
      "</script><script>window.__pwned=3</script>",
    );
    expect(data.tags).toEqual(["</script>"]);
  });
});

describe("escaping", () => {
  it("escapes markup and quotes for HTML", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
    );
  });

  it("writes JSON that cannot close a script element and reads back the same", () => {
    const value = { a: "</script><!-- \u2028 \u2029 & >" };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe("page assets", () => {
  it("joins the client modules into one script that parses, with no module syntax left", () => {
    const { script, dagre } = pageAssets();
    expect(script).not.toMatch(/^\s*(import|export)\b/m);
    expect(() => new Function(script)).not.toThrow();
    expect(() => new Function(dagre)).not.toThrow();
    expect(dagre).not.toMatch(/sourceMappingURL/);
    // Every client module is reached from main.js, each after the modules it imports.
    const bundled = [...script.matchAll(/^\/\/ client\/([a-z-]+)\.js$/gm)].map((m) => m[1]);
    const files = readdirSync(new URL("../src/client/", import.meta.url)).filter((f) =>
      f.endsWith(".js"),
    );
    expect([...bundled].sort()).toEqual(files.map((f) => f.slice(0, -3)).sort());
    expect(bundled.indexOf("layout")).toBeGreaterThan(bundled.indexOf("visible"));
    expect(bundled.at(-1)).toBe("main");
  });
});

describe("the first layout", () => {
  it("gives the same result on the big-stack worker it falls back to for very long chains", () => {
    const data: VizData = { ...buildModel(spaceflightsPlan(), { title: "t" }), layout: {} };
    expect(layoutOnBigStack(data)).toEqual(firstLayout(data));
  });
});
