import { planHash } from "@pipewright/core";
import { describe, expect, it } from "vitest";
import { compileArgo } from "../src/index.ts";
import { smallPlan } from "./support/fixtures.ts";
import { emit, IMAGE } from "./support/manifest.ts";
import { orderProblems } from "./support/order.ts";

const plan = smallPlan();
const LONG = "a-very-long-pipeline-name-".repeat(12);

/** Length of the longest pod name a run of this manifest creates (Argo v2 pod names). */
function longestPodName(doc: ReturnType<typeof emit>["doc"], runSuffix: number): number {
  const base = doc.metadata.name ?? doc.metadata.generateName.slice(0, -1);
  const spec = doc.kind === "CronWorkflow" ? doc.spec.workflowSpec : doc.spec;
  const longestTemplate = Math.max(
    ...spec.templates
      .filter((t: { container?: unknown }) => t.container)
      .map((t: { name: string }) => t.name.length),
  );
  return base.length + runSuffix + 1 + longestTemplate + 1 + 10;
}

describe("compileArgo: kinds", () => {
  it("emits a WorkflowTemplate with a fixed name, and labels its runs through workflowMetadata", () => {
    const { doc, spec } = emit(plan, { kind: "template", labels: { team: "ml" } });
    expect(doc.kind).toBe("WorkflowTemplate");
    expect(doc.metadata.name).toBe("small");
    expect(doc.metadata.generateName).toBeUndefined();
    expect(spec.workflowMetadata.labels).toEqual(doc.metadata.labels);
    expect(spec.workflowMetadata.annotations).toEqual({
      "pipewright.dev/plan-hash": planHash(plan),
    });
    expect(orderProblems(doc, plan)).toEqual([]);
  });

  it("emits a CronWorkflow with Argo v4's schedules list, time zone and concurrency policy", () => {
    const { doc } = emit(plan, {
      kind: "cron",
      schedules: ["0 3 * * *", "@hourly"],
      timezone: "Europe/Paris",
      concurrencyPolicy: "Forbid",
    });
    expect(doc.kind).toBe("CronWorkflow");
    expect(doc.metadata.name).toBe("small");
    expect(doc.spec.schedules).toEqual(["0 3 * * *", "@hourly"]);
    expect(doc.spec).not.toHaveProperty("schedule");
    expect(doc.spec.timezone).toBe("Europe/Paris");
    expect(doc.spec.concurrencyPolicy).toBe("Forbid");
    expect(doc.spec.workflowSpec.entrypoint).toBe("main");
    expect(orderProblems(doc, plan)).toEqual([]);
  });

  it("ignores cron-only options for the other kinds", () => {
    const { doc } = emit(plan, { schedules: ["not a schedule"], timezone: "Mars/Olympus" });
    expect(doc.spec).not.toHaveProperty("schedules");
  });

  it.each([
    ["workflow", 6],
    ["template", 6],
    ["cron", 11],
  ] as const)(
    "keeps %s names short enough for 63-character pod hostnames, however long the pipeline name",
    (kind, runSuffix) => {
      const { doc } = emit(plan, { kind, name: LONG, schedules: ["@daily"], group: { by: "tag" } });
      expect(longestPodName(doc, runSuffix)).toBeLessThanOrEqual(63);
      expect(doc.metadata.name ?? doc.metadata.generateName).toMatch(
        /^a-very-long-pipeline-[a-z-]*-[0-9a-f]{6}-?$/,
      );
    },
  );

  it("derives a different shortened name for different long names", () => {
    const a = emit(plan, { kind: "cron", name: `${LONG}a`, schedules: ["@daily"] }).doc.metadata
      .name;
    const b = emit(plan, { kind: "cron", name: `${LONG}b`, schedules: ["@daily"] }).doc.metadata
      .name;
    expect(a).not.toBe(b);
    expect(a.length).toBeLessThanOrEqual(52);
  });

  it("names the object from the pipeline, as a DNS label", () => {
    expect(emit(plan, { name: "Nightly_Run.v2" }).doc.metadata.generateName).toBe(
      "nightly-run-v2-",
    );
    expect(emit(plan, { name: "___" }).doc.metadata.generateName).toBe("pipewright-");
  });

  it("needs schedules for a CronWorkflow", () => {
    expect(() => compileArgo(plan, { image: IMAGE, kind: "cron" })).toThrow(
      /argo option schedules is required for kind "cron"/,
    );
  });

  it("checks schedules and the time zone", () => {
    expect(() =>
      compileArgo(plan, {
        image: IMAGE,
        kind: "cron",
        schedules: ["0 3 * *"],
        timezone: "Mars/Olympus",
      }),
    ).toThrow(
      expect.objectContaining({
        code: "ADAPTER_OPTION",
        issues: [
          expect.objectContaining({
            path: ["argo", "schedules", "0"],
            message: expect.stringMatching(/is not a cron schedule/),
          }),
          expect.objectContaining({
            path: ["argo", "timezone"],
            message: expect.stringMatching(/IANA time zone/),
          }),
        ],
      }),
    );
  });
});
