import { fileURLToPath } from "node:url";
import { describe, it } from "vitest";
import { type ArgoOptions, compileArgo } from "../src/index.ts";
import { smallPlan } from "./support/fixtures.ts";
import { expectGolden } from "./support/golden.ts";
import { IMAGE } from "./support/manifest.ts";
import { validManifest } from "./support/rules.ts";

const golden = (name: string) => fileURLToPath(new URL(`golden/${name}.yaml`, import.meta.url));

const common: Partial<ArgoOptions> = {
  namespace: "ml",
  serviceAccountName: "pipelines",
  storage: {
    cache: "s3://bucket/cache",
    endpoint: "http://minio.minio:9000",
    region: "us-east-1",
    credentialsSecret: "s3-credentials",
  },
  resources: { cpu: "500m", memory: "1Gi" },
  extraArgs: ["--params", "model.alpha=0.1"],
};

const cases: [string, Partial<ArgoOptions>][] = [
  ["small-workflow", {}],
  ["small-template", { kind: "template" }],
  [
    "small-cron",
    { kind: "cron", schedules: ["0 3 * * *"], timezone: "UTC", concurrencyPolicy: "Forbid" },
  ],
  [
    "small-grouped-memoized",
    { group: { by: "tag", tags: ["prep"] }, memoize: { maxAge: "24h" }, parallelism: 2 },
  ],
];

describe("golden manifests of a small pipeline", () => {
  it.each(cases)("%s", (name, options) => {
    const text = compileArgo(smallPlan(), { image: IMAGE, ...common, ...options });
    validManifest(text);
    expectGolden(golden(name), text);
  });
});
