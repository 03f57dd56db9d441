import { CompileError, ErrorCode } from "@pipewright/core";
import { describe, expect, it } from "vitest";
import { type AirflowOptions, compileAirflow } from "../src/index.ts";
import { smallPlan } from "./fixtures.ts";

function problems(options: AirflowOptions): string[] {
  try {
    compileAirflow(smallPlan(), options);
  } catch (error) {
    expect(error).toBeInstanceOf(CompileError);
    const e = error as CompileError;
    for (const issue of e.issues) expect(issue.code).toBe(ErrorCode.ADAPTER_OPTION);
    return e.issues.map((i) => i.message);
  }
  throw new Error("expected compileAirflow to throw");
}

const image = "registry.example.com/small:1";

describe("options", () => {
  it("need an image for the kubernetes operator and a project folder for bash", () => {
    expect(problems({})).toEqual([
      expect.stringMatching(/image: is required with the kubernetes operator/),
    ]);
    expect(problems({ operator: "bash" })).toEqual([
      expect.stringMatching(/projectDir: is required with the bash operator/),
    ]);
  });

  it("keep secrets to Kubernetes: bash rejects secret references", () => {
    const messages = problems({
      operator: "bash",
      projectDir: "/srv/project",
      secretEnv: { TOKEN: { secret: "t", key: "k" } },
      storage: { credentialsSecret: "s3" },
    });
    expect(messages).toHaveLength(2);
    expect(messages.join("\n")).toMatch(/secretEnv: needs the kubernetes operator/);
    expect(messages.join("\n")).toMatch(/storage.credentialsSecret: needs the kubernetes operator/);
  });

  it("report every problem at once, naming the option", () => {
    const messages = problems({
      image,
      airflowVersion: 4 as never,
      dagId: "bad id",
      schedule: "every day",
      startDate: "2024-02-30",
      tags: ["x".repeat(101)],
      maxActiveTasks: 0,
      retries: -1,
      retryDelaySeconds: 0,
      onFinishAction: "delete" as never,
      env: { "1BAD": "x", GOOD: "y" },
      secretEnv: {
        lower: { secret: "s", key: "k" },
        GOOD: { secret: "s", key: "k" },
        BAD_SECRET: { secret: "Not_A_Name", key: "k" },
      },
      command: [],
    });
    const text = messages.join("\n");
    for (const field of [
      "airflowVersion",
      "dagId",
      "schedule",
      "startDate",
      "tags",
      "maxActiveTasks",
      "retries",
      "retryDelaySeconds",
      "onFinishAction",
      "command",
    ]) {
      expect(text).toContain(`airflow option ${field}:`);
    }
    expect(text).toMatch(/"1BAD" is not an environment variable name/);
    expect(text).toMatch(/"lower" must be an upper-case/);
    expect(text).toMatch(/GOOD is also set by env/);
    expect(text).toMatch(/secret "Not_A_Name" is not a Kubernetes secret name/);
  });

  it("accept cron expressions and presets as schedules", () => {
    for (const schedule of ["@daily", "@once", "0 3 * * *", "*/15 0-6 * * MON-FRI", null]) {
      expect(() => compileAirflow(smallPlan(), { image, schedule })).not.toThrow();
    }
    expect(problems({ image, schedule: "@sometimes" })).toHaveLength(1);
    expect(problems({ image, schedule: " 0 3 * * *" })).toHaveLength(1);
  });

  it("refuse env variables the DAG sets itself or that storage already sets", () => {
    expect(
      problems({ operator: "bash", projectDir: "/p", env: { PIPEWRIGHT_RUN_ID: "x" } }),
    ).toEqual([expect.stringMatching(/PIPEWRIGHT_RUN_ID is set by the DAG itself/)]);
    expect(
      problems({ image, storage: { cache: "s3://c" }, env: { PIPEWRIGHT_CACHE: "s3://d" } }),
    ).toEqual([expect.stringMatching(/PIPEWRIGHT_CACHE is also set by storage.cache/)]);
  });
});
