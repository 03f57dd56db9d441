// Writes every pipeline file scripts/validate-kfp.sh checks with KFP's own protos: each
// example in every grouping mode (as its config sets the target, refusals listed), the
// daily-events example's map nodes fanned out on both engines, the test plan in every mode
// on both engines, random DAGs with map nodes, a 5,000-node synthetic plan, and hostile values.
// Usage: tsx packages/kubeflow/scripts/emit-files.ts OUT_DIR
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { GroupingOptions, Plan } from "@pipewright/core";
import { HOSTILE, renameNodes } from "../../../test/support/hostile.ts";
import { compileProject, loadProject } from "../../cli/src/project.ts";
import { compileKubeflow, type KubeflowOptions } from "../src/index.ts";
import { IMAGE, smallPlan } from "../test/support/fixtures.ts";
import { KFP_HOSTILE } from "../test/support/hostile.ts";
import { randomMapPlan } from "../test/support/map-plan.ts";
import { randomPlan } from "../test/support/random.ts";

const out = process.argv[2];
if (!out) throw new Error("usage: emit-files.ts OUT_DIR");
const root = join(import.meta.dirname, "..", "..", "..");
const MODES: [string, GroupingOptions][] = [
  ["node", {}],
  ["namespace", { by: "namespace" }],
  ["tag", { by: "tag" }],
  ["memory", { by: "memory" }],
];
let written = 0;

function write(name: string, plan: Plan, options: KubeflowOptions): void {
  try {
    writeFileSync(join(out!, `${name}.yaml`), compileKubeflow(plan, options));
    written++;
  } catch (e) {
    const { code, message } = e as { code?: string; message: string };
    console.log(
      `refused (expected for some modes): ${name}: [${code}] ${message.split("\n")[0]!.slice(0, 140)}`,
    );
  }
}

for (const example of ["spaceflights", "iris-like", "team-reuse/team-a", "team-reuse/team-b"]) {
  const project = await loadProject(join(root, "examples", example));
  const { plan, name } = await compileProject(project, {});
  const target = project.config.targets?.kubeflow as KubeflowOptions;
  for (const [mode, group] of MODES)
    write(`${example.replace("/", "-")}-${mode}`, plan, { ...target, pipeline: name, group });
}

// daily-events has no kubeflow target: its data stays on a claim mounted over data/.
{
  const project = await loadProject(join(root, "examples", "daily-events"));
  const { plan, name } = await compileProject(project, {});
  const claim = {
    name: "data",
    mountPath: "/app/data",
    persistentVolumeClaim: { claimName: "events" },
  };
  const options = { image: IMAGE, pipeline: name, fanOut: { maxBatches: 20, parallelism: 4 } };
  write("daily-events-kubeflow", plan, { ...options, pod: { volumes: [claim] } });
  write("daily-events-memory", plan, {
    ...options,
    group: { by: "memory" },
    pod: { volumes: [claim] },
  });
  // Vertex AI has no claims: the example's plan with its data moved to S3.
  for (const d of plan.datasets)
    if (d.storage.uri !== undefined) d.storage.uri = `s3://events/${d.id}/`;
  write("daily-events-vertex", plan, { ...options, engine: "vertex" });
}
for (let seed = 1; seed <= 5; seed++) {
  const plan = randomMapPlan({ nodes: 10 * seed, seed, window: 3 });
  write(`map-random-${seed}`, plan, { image: IMAGE, fanOut: { parallelism: seed }, retries: 1 });
  write(`map-random-${seed}-vertex`, plan, { image: IMAGE, engine: "vertex" });
}

const small = smallPlan();
const hostileEnv = Object.fromEntries([...HOSTILE, ...KFP_HOSTILE].map((v, i) => [`V${i}`, v]));
const pod = {
  env: hostileEnv,
  secretEnv: { TOKEN: { secret: "api", key: "token" } },
  nodeSelector: { pool: "ml" },
  tolerations: [{ key: "gpu", operator: "Exists" as const, effect: "NoSchedule" as const }],
  imagePullSecrets: ["registry"],
  volumes: [
    {
      name: "data",
      mountPath: "/app/data",
      persistentVolumeClaim: { claimName: "data" },
      subPath: "run",
    },
    { name: "certs", mountPath: "/etc/certs", secret: { secretName: "tls" } },
    { name: "conf", mountPath: "/etc/conf", configMap: { name: "conf" } },
    { name: "scratch", mountPath: "/scratch", emptyDir: { medium: "Memory" as const } },
  ],
  overrides: [{ match: { namespace: "science" }, nodeSelector: { pool: "gpu" } }],
};
for (const [mode, group] of MODES) {
  write(`small-${mode}`, small, {
    image: IMAGE,
    group,
    retries: 1,
    timeoutSeconds: 300,
    pod,
    kfpCache: mode === "tag",
  });
  write(`small-${mode}-vertex`, small, {
    image: IMAGE,
    group,
    engine: "vertex",
    accelerator: "NVIDIA_L4",
  });
}
const safe = [...HOSTILE, ...KFP_HOSTILE].filter(
  (s) => s !== "" && !s.includes("{{") && !/\$[($]/.test(s),
);
write(
  "hostile-node-ids",
  renameNodes(randomPlan({ nodes: safe.length, seed: 3 }), (_, i) => safe[i]!),
  {
    image: IMAGE,
    pipeline: safe[0]!,
    name: HOSTILE[1]!,
    description: HOSTILE.join(" "),
    extraArgs: safe,
    storage: {
      cache: "s3://bucket/cache",
      endpoint: "https://minio.example.com",
      credentialsSecret: "s3",
    },
  },
);
const namespaced = smallPlan();
for (const n of namespaced.nodes) n.namespace = "{{$}}\nkind: Secret";
write("hostile-namespace", namespaced, { image: IMAGE, group: { by: "namespace" } });
write("synthetic-5000", randomPlan({ nodes: 5000, seed: 4, window: 50 }), { image: IMAGE });
write(
  "synthetic-5000-namespaces",
  randomPlan({ nodes: 5000, seed: 5, window: 300, namespaces: 50 }),
  {
    image: IMAGE,
    group: { by: "namespace" },
  },
);
console.log(`wrote ${written} pipeline files to ${out}`);
