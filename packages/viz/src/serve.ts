import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ErrorCode, PipewrightError } from "@pipewright/core";

const EVENTS = "/__pipewright/events";
// Served pages reload themselves when the server says the project changed. Pages
// written to disk never carry this script, so they make no requests at all.
const RELOAD = `<script>new EventSource(${JSON.stringify(EVENTS)}).onmessage = () => location.reload();</script>`;

export interface ServeOptions {
  /** The page to serve, from renderHtml. */
  html: string;
  /** Port on 127.0.0.1; 0 picks a free one. Default 4141. */
  port?: number;
}

export interface VizServer {
  /** http://127.0.0.1:<port>/ */
  url: string;
  /** Serves a new page and tells every open tab to reload. */
  update(html: string): void;
  close(): Promise<void>;
}

/**
 * Serves a viz page on 127.0.0.1 (never another interface). The caller watches the
 * project, re-renders and calls `update`; open pages reload by themselves.
 *
 * @example
 * const server = await serveViz({ html: renderHtml(plan) });
 * console.error(`viz at ${server.url}`);
 * watcher.on("change", () => server.update(renderHtml(compileAgain())));
 */
export async function serveViz(options: ServeOptions): Promise<VizServer> {
  let page = withReload(options.html);
  const clients = new Set<ServerResponse>();
  let port = 0;
  const server = createServer((req, res) => {
    // Only this machine's names: a page on another site cannot reach us by DNS rebinding.
    const host = req.headers.host ?? "";
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      res.writeHead(403, { "content-type": "text/plain" }).end("forbidden host\n");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/" || path === "/index.html") {
      res
        .writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" })
        .end(page);
    } else if (path === EVENTS) {
      res.writeHead(200, {
        "content-type": "text/event-stream",
        "cache-control": "no-store",
        connection: "keep-alive",
      });
      res.write(": connected\n\n");
      clients.add(res);
      req.on("close", () => clients.delete(res));
    } else {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      const why =
        error.code === "EADDRINUSE"
          ? `port ${options.port ?? 4141} is in use; pick another with --port`
          : error.message;
      reject(
        new PipewrightError(
          ErrorCode.VIZ_SERVE_FAILED,
          `cannot serve the viz page on 127.0.0.1: ${why}.`,
          { cause: error },
        ),
      );
    });
    server.listen(options.port ?? 4141, "127.0.0.1", () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    update(html) {
      page = withReload(html);
      for (const res of clients) res.write("data: reload\n\n");
    },
    close() {
      for (const res of clients) res.end();
      clients.clear();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function withReload(html: string): string {
  const at = html.lastIndexOf("</body>");
  return at === -1 ? html + RELOAD : html.slice(0, at) + RELOAD + html.slice(at);
}
