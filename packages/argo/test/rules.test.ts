import { describe, expect, it } from "vitest";
import { compileArgo } from "../src/index.ts";
import { smallPlan } from "./support/fixtures.ts";
import { IMAGE } from "./support/manifest.ts";
import { type Doc, parseManifest, ruleProblems, validateModel } from "./support/rules.ts";

/** A valid manifest to break one rule at a time: the checks must notice each. */
function base(): Doc {
  return parseManifest(compileArgo(smallPlan(), { image: IMAGE }))[0]!;
}

const tasksOf = (doc: Doc): Doc[] => doc.spec.templates[0].dag.tasks;

describe("the manifest checks used by every test", () => {
  it("pass on an emitted manifest", () => {
    expect(ruleProblems(base())).toEqual([]);
  });

  it.each<[string, (doc: Doc) => void, RegExp]>([
    [
      "depends and dependencies",
      (d) => Object.assign(tasksOf(d)[1]!, { dependencies: ["clean"] }),
      /depends and dependencies/,
    ],
    [
      "a missing template",
      (d) => Object.assign(tasksOf(d)[0]!, { template: "nope" }),
      /template nope missing/,
    ],
    [
      "an unknown dependency",
      (d) => Object.assign(tasksOf(d)[1]!, { depends: "ghost" }),
      /unknown dependency ghost/,
    ],
    ["a cycle", (d) => Object.assign(tasksOf(d)[0]!, { depends: "report" }), /cycle through/],
    [
      "a task name with a leading digit",
      (d) => Object.assign(tasksOf(d)[0]!, { name: "1clean" }),
      /bad task name 1clean/,
    ],
    [
      "a 129-character template name",
      (d) => Object.assign(d.spec.templates[1], { name: "t".repeat(129) }),
      /bad template name/,
    ],
    [
      "more than 200 templates",
      (d) =>
        d.spec.templates.push(
          ...Array.from({ length: 200 }, (_, i) => ({
            name: `x${i}`,
            container: { name: "main", image: "i", command: ["c"] },
          })),
        ),
      /templates > 200/,
    ],
    [
      "more than 200 tasks",
      (d) =>
        tasksOf(d).push(
          ...Array.from({ length: 200 }, (_, i) => ({ name: `x${i}`, template: "run-node" })),
        ),
      /has 205 tasks/,
    ],
    [
      "a container without command",
      (d) => delete d.spec.templates[1].container.command,
      /has no command/,
    ],
    [
      "a 53-character CronWorkflow name",
      (d) =>
        Object.assign(d, {
          kind: "CronWorkflow",
          metadata: { name: "c".repeat(53) },
          spec: { workflowSpec: d.spec },
        }),
      /bad metadata.name/,
    ],
    [
      "an object over 1 MB",
      (d) => Object.assign(d.metadata.annotations, { big: "x".repeat(1_000_001) }),
      /object is \d+ bytes/,
    ],
  ])("catch %s", (_, breakIt, problem) => {
    const doc = base();
    breakIt(doc);
    expect(ruleProblems(doc).join("\n")).toMatch(problem);
  });

  it("include the @kubernetes-models schema", () => {
    const doc = base();
    doc.spec.templates[1].container.image = 42;
    expect(() => validateModel(doc)).toThrow();
  });
});
