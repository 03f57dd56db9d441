import { mergeSettings } from "@pipewright/core";
import { describe, expect, it } from "vitest";
import { podSpecPatch } from "../src/settings.ts";

describe("settings", () => {
  it("merges by the largest value, not the longest text", () => {
    const merged = mergeSettings([
      { resources: { cpu: "1500m", memory: "900Mi" }, retries: 0, timeoutSeconds: 10 },
      { resources: { cpu: "2", memory: "1Gi" }, retries: 3, timeoutSeconds: 20 },
      { resources: { cpu: "250m", memory: "1000M" }, retries: 1, timeoutSeconds: 30 },
    ]);
    expect(merged).toEqual({
      resources: { cpu: "2", memory: "1Gi" },
      retries: 3,
      timeoutSeconds: 60,
    });
  });

  it("has no timeout when one node of the group has none", () => {
    const merged = mergeSettings([
      { resources: {}, retries: 0, timeoutSeconds: 10 },
      { resources: {}, retries: 0, timeoutSeconds: null },
    ]);
    expect(merged.timeoutSeconds).toBeNull();
  });

  it("patches only what differs from the defaults", () => {
    const defaults = { resources: { cpu: "1" }, retries: 0, timeoutSeconds: null };
    expect(podSpecPatch(defaults, defaults, 300)).toBeUndefined();
    expect(podSpecPatch({ ...defaults, retries: 3 }, defaults, 300)).toBeUndefined();
    // The pod's deadline is the node's timeout plus the start-up allowance (issue #13, item 3).
    expect(podSpecPatch({ ...defaults, timeoutSeconds: 5 }, defaults, 300)).toBe(
      '{"activeDeadlineSeconds":305}',
    );
    expect(podSpecPatch({ ...defaults, resources: { cpu: "1", gpu: 2 } }, defaults, 0)).toBe(
      '{"containers":[{"name":"main","resources":{"requests":{"cpu":"1"},"limits":{"nvidia.com/gpu":"2"}}}]}',
    );
  });
});
