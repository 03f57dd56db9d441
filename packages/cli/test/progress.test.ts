import pc from "picocolors";
import { describe, expect, test } from "vitest";
import type { Io } from "../src/output.ts";
import { Progress } from "../src/progress.ts";

function io(interactive: boolean) {
  let err = "";
  const value: Io = {
    out: () => {},
    err: (t) => (err += t),
    colours: pc.createColors(false),
    interactive,
    cwd: "/",
    env: {},
  };
  return { value, text: () => err };
}

describe("progress display", () => {
  test("on a terminal: a live status line with done/total, cached, running and elapsed", () => {
    const t = io(true);
    const p = new Progress(t.value, 3);
    p.event({ type: "node-cached", node: "a" });
    p.event({ type: "node-start", node: "b" });
    p.stop();
    expect(t.text()).toContain("\r\x1b[2K");
    expect(t.text()).toMatch(/1\/3 nodes · 1 cached · 1 running \(b\) · \d+ ms/);
    expect(t.text()).toContain("● a cached");
  });

  test("elsewhere: one plain line per node start and finish, no control codes", () => {
    const t = io(false);
    const p = new Progress(t.value, 2);
    p.event({ type: "node-start", node: "a" });
    p.event({ type: "node-done", node: "a", durationMs: 1500 });
    p.event({ type: "node-failed", node: "b" });
    p.event({ type: "node-retry", node: "c", attempt: 2 });
    p.event({ type: "node-start", node: "c", attempt: 2 });
    p.stop();
    expect(t.text()).toBe("▸ a started\n✓ a ran 1.5 s\n✗ b failed\n↻ c retrying (attempt 2)\n");
  });
});
