import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { serveViz, type VizServer } from "../src/index.ts";

function get(
  url: string,
  headers: Record<string, string> = {},
  method = "GET",
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let body = "";
      res.on("data", (c) => {
        body += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("serveViz", () => {
  let server: VizServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("serves the page on 127.0.0.1 with a reload script", async () => {
    server = await serveViz({ html: "<html><body><p>one</p></body></html>", port: 0 });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await get(server.url);
    expect(res.status).toBe(200);
    expect(res.body).toContain("<p>one</p>");
    expect(res.body).toMatch(/EventSource\("\/__pipewright\/events"\).*<\/body>/);
    expect((await get(`${server.url}nope`)).status).toBe(404);
    expect((await get(server.url, {}, "POST")).status).toBe(405);
  });

  it("refuses other Host names (DNS rebinding)", async () => {
    server = await serveViz({ html: "<p>x</p>", port: 0 });
    expect((await get(server.url, { host: "evil.example:80" })).status).toBe(403);
  });

  it("tells open pages to reload when the page changes", async () => {
    server = await serveViz({ html: "<body>v1</body>", port: 0 });
    const url = `${server.url}__pipewright/events`;
    const message = new Promise<string>((resolve, reject) => {
      request(url, (res) => {
        let text = "";
        res.on("data", (c) => {
          text += c;
          if (text.includes("data: reload")) {
            resolve(text);
            res.destroy();
          }
        });
        // The stream is open: now change the page.
        server!.update("<body>v2</body>");
      })
        .on("error", reject)
        .end();
    });
    expect(await message).toContain("data: reload");
    expect((await get(server.url)).body).toContain("v2");
  });

  it("says which port is taken", async () => {
    server = await serveViz({ html: "x", port: 0 });
    const port = Number(new URL(server.url).port);
    await expect(serveViz({ html: "x", port })).rejects.toMatchObject({
      code: "VIZ_SERVE_FAILED",
      message: expect.stringContaining(`port ${port} is in use`),
    });
  });
});
