// The harness itself, on a hand-written manifest whose containers run a probe script:
// nested DAGs, parameters, $(VAR) expansion, env from secrets and annotations, retries,
// deadlines and failure propagation behave as Argo and the kubelet do. The end-to-end
// test (argo-e2e.test.ts) relies on these.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { makeProject } from "../support/cli.ts";
import { runWorkflow } from "./argo-sim.ts";
import type { Cluster } from "./pod.ts";

const PROBE = `
import { appendFileSync, existsSync, readFileSync } from "node:fs";
const [mode, ...rest] = process.argv.slice(2);
const counter = "/claims/attempts";
if (mode === "flaky") {
  appendFileSync(process.env.COUNTER, "x");
  if (readFileSync(process.env.COUNTER, "utf8").length < 2) process.exit(3);
}
if (mode === "fail") process.exit(1);
if (mode === "sleep") await new Promise((r) => setTimeout(r, 60_000));
console.log(JSON.stringify({ args: rest, cwd: process.cwd(), env: process.env,
  secret: existsSync(process.env.SECRET_DIR + "/token") ? readFileSync(process.env.SECRET_DIR + "/token", "utf8") : null }));
`;

function cluster(): Cluster {
  const image = makeProject({ "probe.mjs": PROBE });
  const scratch = makeProject({});
  const bin = join(scratch, "bin");
  mkdirSync(bin);
  writeFileSync(
    join(bin, "probe"),
    `#!/bin/sh\nexec "${process.execPath}" "$(pwd)/probe.mjs" "$@"\n`,
    {
      mode: 0o755,
    },
  );
  return {
    image,
    scratch,
    path: [bin],
    secrets: { api: { token: "s3cr3t", user: "me" } },
    configMaps: { cfg: { LEVEL: "debug" } },
  };
}

const container = (args: string[], extra: Record<string, unknown> = {}) => ({
  name: "main",
  image: "probe:1",
  command: ["probe"],
  args,
  workingDir: "/app",
  ...extra,
});

const manifest = {
  apiVersion: "argoproj.io/v1alpha1",
  kind: "Workflow",
  metadata: { generateName: "probe-" },
  spec: {
    entrypoint: "main",
    arguments: { parameters: [{ name: "greeting", value: "hello" }] },
    templates: [
      {
        name: "main",
        dag: {
          tasks: [
            { name: "part-1", template: "part-1" },
            { name: "part-2", template: "part-2", depends: "part-1" },
          ],
        },
      },
      {
        name: "part-1",
        dag: {
          tasks: [
            {
              name: "a",
              template: "show",
              arguments: { parameters: [{ name: "what", value: "a" }] },
            },
            {
              name: "b",
              template: "show",
              depends: "a",
              arguments: {
                parameters: [{ name: "what", value: "{{workflow.parameters.greeting}}" }],
              },
            },
          ],
        },
      },
      {
        name: "part-2",
        dag: {
          tasks: [
            { name: "flaky", template: "flaky" },
            { name: "broken", template: "broken" },
            {
              name: "after-broken",
              template: "show",
              depends: "broken && flaky",
              arguments: { parameters: [{ name: "what", value: "never" }] },
            },
            { name: "slow", template: "slow" },
          ],
        },
      },
      {
        name: "show",
        inputs: { parameters: [{ name: "what" }, { name: "dflt", default: "d" }] },
        metadata: { annotations: { "example.dev/said": "{{inputs.parameters.what}}" } },
        volumes: [{ name: "api", secret: { secretName: "api" } }],
        container: container(
          [
            "show",
            "{{inputs.parameters.what}}",
            "$(SAID)",
            "$$(SAID)",
            "$(UNSET)",
            "{{inputs.parameters.dflt}}",
            "{{workflow.uid}}",
          ],
          {
            env: [
              {
                name: "SAID",
                valueFrom: { fieldRef: { fieldPath: "metadata.annotations['example.dev/said']" } },
              },
              { name: "TOKEN", valueFrom: { secretKeyRef: { name: "api", key: "token" } } },
              { name: "REF", value: "[$(TOKEN)]" },
              { name: "SECRET_DIR", value: "/etc/api" },
              { name: "STATE", value: "/tmp/state" },
            ],
            envFrom: [{ prefix: "CFG_", configMapRef: { name: "cfg" } }],
            volumeMounts: [{ name: "api", mountPath: "/etc/api", readOnly: true }],
          },
        ),
      },
      {
        name: "flaky",
        retryStrategy: { limit: "2", backoff: { duration: "10s", factor: 2 } },
        volumes: [{ name: "claims", persistentVolumeClaim: { claimName: "shared" } }],
        container: container(["flaky"], {
          env: [{ name: "COUNTER", value: "/claims/attempts" }],
          volumeMounts: [{ name: "claims", mountPath: "/claims" }],
        }),
      },
      { name: "broken", retryStrategy: { limit: 1 }, container: container(["fail"]) },
      {
        name: "slow",
        podSpecPatch: '{"activeDeadlineSeconds":1}',
        container: container(["sleep"]),
      },
    ],
  },
};

describe("the Argo test harness", () => {
  it("runs nested DAGs in order, with parameters, $(VAR), secrets, annotations, retries and deadlines", async () => {
    const run = await runWorkflow(YAML.stringify(manifest), cluster(), {
      parameters: { greeting: "hi $(TOKEN)" },
    });
    const task = (path: string) => run.tasks.find((t) => t.path === path)!;
    expect(run.phase).toBe("Failed");
    const b = JSON.parse(task("main/part-1/b").attempts[0]!.stdout);
    // Argo substitutes tags first, then the kubelet expands $(VAR) in args: a submitted value
    // written into args is rewritten ("hi $(TOKEN)"), one read from an annotation through the
    // downward API is not. That is why pipewright passes runtime params the second way.
    expect(b.args).toEqual(["hi s3cr3t", "hi $(TOKEN)", "$(SAID)", "$(UNSET)", "d", run.uid]);
    expect(b.env.REF).toBe("[s3cr3t]");
    expect(b.env.CFG_LEVEL).toBe("debug");
    expect(b.secret).toBe("s3cr3t");
    expect(b.env.STATE).toMatch(/\/root\/tmp\/state$/);
    expect(b.cwd).toMatch(/\/app$/);
    expect(task("main/part-1/a").attempts).toHaveLength(1);
    const flaky = task("main/part-2/flaky");
    expect(flaky.phase).toBe("Succeeded");
    expect(flaky.attempts.map((a) => a.exitCode)).toEqual([3, 0]);
    expect(flaky.backoff).toEqual(["10s"]);
    expect(task("main/part-2/broken").attempts).toHaveLength(2);
    expect(task("main/part-2/after-broken").phase).toBe("Omitted");
    const slow = task("main/part-2/slow");
    expect(slow.attempts[0]!.deadlineExceeded).toBe(true);
  });

  it("refuses what it does not model, and unknown submit parameters", async () => {
    const bad = structuredClone(manifest);
    (bad.spec.templates[1]!.dag!.tasks[0] as Record<string, unknown>).when = "true";
    await expect(runWorkflow(YAML.stringify(bad), cluster())).rejects.toThrow(
      /"when" is not modelled/,
    );
    await expect(
      runWorkflow(YAML.stringify(manifest), cluster(), { parameters: { nope: "1" } }),
    ).rejects.toThrow(/no such parameter/);
  });
});
