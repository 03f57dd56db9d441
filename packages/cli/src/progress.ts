import { duration, type Io } from "./output.ts";

/** The runner's progress events, as far as the display cares. */
export interface ProgressEvent {
  type: string;
  node?: string;
  durationMs?: number;
  attempt?: number;
  error?: unknown;
  /** Map nodes: how many partitions ran and were cached. */
  partitions?: { ran: number; cached: number; total: number };
}

/**
 * Shows a run's progress on stderr: on a terminal one live status line (done/total,
 * running, cached, elapsed) redrawn in place; elsewhere (CI, pipes) one plain line when
 * a node starts and one when it finishes, so a log shows what a slow node is doing.
 */
export class Progress {
  private readonly started = Date.now();
  private readonly running = new Set<string>();
  private done = 0;
  private cached = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly io: Io,
    private readonly total: number,
  ) {
    if (io.interactive) this.timer = setInterval(() => this.draw(), 100).unref();
  }

  event(e: ProgressEvent): void {
    const c = this.io.colours;
    const node = e.node ?? "";
    const kind = e.type.replace(/^node[-:]/, "");
    if (kind === "start") {
      this.running.add(node);
      // Retries already say "retrying (attempt n)"; a first start is worth a line in a log.
      if (!this.io.interactive && (e.attempt ?? 1) <= 1)
        this.line(`${c.dim("▸")} ${node} ${c.dim("started")}`);
    } else if (kind === "cached" || kind === "done" || kind === "failed" || kind === "skipped") {
      this.running.delete(node);
      this.done++;
      if (kind === "cached") this.cached++;
      const mark = {
        cached: c.blue("●"),
        done: c.green("✓"),
        failed: c.red("✗"),
        skipped: c.dim("-"),
      }[kind];
      const time =
        e.durationMs !== undefined && kind !== "skipped" ? c.dim(` ${duration(e.durationMs)}`) : "";
      const label = kind === "done" ? "ran" : kind;
      const p = e.partitions;
      const parts = p ? c.dim(` · ${p.ran} of ${p.total} partitions ran, ${p.cached} cached`) : "";
      this.line(`${mark} ${node} ${c.dim(label)}${time}${parts}`);
    } else if (kind === "retry") {
      this.line(`${c.yellow("↻")} ${node} ${c.dim(`retrying (attempt ${e.attempt ?? "?"})`)}`);
    }
    this.draw();
  }

  private line(text: string): void {
    this.clear();
    this.io.err(`${text}\n`);
  }

  private clear(): void {
    if (this.io.interactive) this.io.err("\r\x1b[2K");
  }

  private draw(): void {
    if (!this.io.interactive) return;
    const c = this.io.colours;
    const running = [...this.running];
    const names =
      running.slice(0, 3).join(", ") + (running.length > 3 ? ` +${running.length - 3}` : "");
    this.clear();
    this.io.err(
      `${c.bold(`${this.done}/${this.total}`)} ${this.total === 1 ? "node" : "nodes"} · ${this.cached} cached · ${running.length} running${names ? ` (${names})` : ""} · ${duration(Date.now() - this.started)}`,
    );
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.clear();
  }
}
