import { describe, expect, test } from "vitest";
import {
  cachedEqualsScratch,
  edit,
  NODES,
  run,
  soundnessProject,
  writeFile,
} from "./soundness-project.ts";

interface Edit {
  name: string;
  apply: (dir: string) => void;
  /** The nodes the cached run must run, exactly (precision); omitted: only soundness is checked. */
  ran?: string[];
}

// Each edit is applied on top of the previous ones, in one project, through the real CLI.
const EDITS: Edit[] = [
  {
    name: "a constant in the node's own file",
    apply: (d) => edit(d, "src/own.ts", "const K = 3;", "const K = 7;"),
    ran: ["method", "own"],
  },
  {
    name: "a helper function in the node's own file",
    apply: (d) => edit(d, "src/own.ts", "return x + K;", "return x + K + 1;"),
    ran: ["method", "own"],
  },
  {
    name: "a class method in the node's own file",
    apply: (d) => edit(d, "src/own.ts", "return x * 2;", "return x * 4;"),
    ran: ["method", "own"],
  },
  {
    name: "a module imported through a tsconfig paths alias",
    apply: (d) => edit(d, "src/lib/x.ts", "x + 10", "x + 12"),
  },
  {
    name: "a module imported through package.json #imports",
    apply: (d) => edit(d, "src/lib/util.ts", "x + 20", "x + 21"),
  },
  {
    name: "a module imported with a multi-line import list holding a comment",
    apply: (d) => edit(d, "src/lib/multi.ts", "x * 3", "x * 5"),
  },
  {
    name: "the function a caller passes into a node factory in another file",
    apply: (d) => edit(d, "src/factory-use.ts", "x + 100", "x + 200"),
    ran: ["factory"],
  },
  {
    name: "the factory itself",
    apply: (d) => edit(d, "src/factory.ts", "o: { v: f(input.x) }", "o: { v: f(input.x) + 1 }"),
    ran: ["factory"],
  },
  {
    name: "a transitive import two levels deep",
    apply: (d) => edit(d, "src/lib/deep2.ts", "x * 7", "x * 8"),
  },
  {
    name: "a default re-export",
    apply: (d) => edit(d, "src/lib/dflt.ts", "x - 1", "x - 2"),
  },
  {
    name: "a renamed re-export",
    apply: (d) => edit(d, "src/lib/orig.ts", "x * 11", "x * 12"),
  },
  {
    name: "an imported JSON file",
    apply: (d) => edit(d, "src/lib/cfg.json", "40", "41"),
  },
  {
    name: "a helper used by two nodes in different files (and what reads their outputs)",
    apply: (d) => edit(d, "src/lib/shared.ts", "x + 50", "x + 51"),
    ran: ["g", "h", "total"],
  },
  {
    name: "a dependency upgraded in node_modules",
    apply: (d) => {
      writeFile(
        d,
        "node_modules/fakedep/package.json",
        '{ "name": "fakedep", "version": "1.0.1", "type": "module", "main": "index.js" }\n',
      );
      writeFile(d, "node_modules/fakedep/index.js", "export const dep = (x) => x + 2;\n");
    },
  },
  {
    name: "a file read with fs and declared in codeFiles",
    apply: (d) => edit(d, "sql/query.sql", "select 1", "select 1, 2"),
    ran: ["sql"],
  },
  {
    name: "a comment-only edit reruns nothing",
    apply: (d) => edit(d, "src/lib/shared.ts", /^/, "// a note on shared\n/* and a block */\n"),
    ran: [],
  },
  {
    name: "a whitespace-only edit reruns nothing",
    apply: (d) => edit(d, "src/own.ts", "const K = 7;", "const   K =\n  7 ;"),
    ran: [],
  },
  {
    name: "a type-only edit reruns nothing",
    apply: (d) => edit(d, "src/lib/x.ts", "(x: number)", "(x: number | bigint & number)"),
    ran: [],
  },
  {
    name: "an edit to a file no node's code reaches reruns nothing",
    apply: (d) => edit(d, "src/lib/unused.ts", "= 1", "= 2"),
    ran: [],
  },
  {
    name: "a param change reruns only the node reading it",
    apply: (d) => edit(d, "conf/params.yaml", "factor: 2", "factor: 3"),
    ran: ["total"],
  },
  {
    name: "a re-export added to a barrel changes what the importing nodes run",
    apply: (d) => {
      writeFile(d, "src/lib/extra.ts", "export const extra = 1;\n");
      edit(d, "src/lib/barrel.ts", /$/, 'export { extra } from "./extra.ts";\n');
      edit(d, "src/imports.ts", "dflt(x) + renamed(x)", "dflt(x) + renamed(x) + extra");
      edit(d, "src/imports.ts", "import { dflt, renamed }", "import { dflt, extra, renamed }");
    },
  },
  {
    name: "a tsconfig option in the base config it extends changes how a class compiles",
    apply: (d) => edit(d, "tsconfig.base.json", "true", "false"),
  },
  {
    name: "a file appears where an extensionless import now resolves (sub.ts beside sub/)",
    apply: (d) => writeFile(d, "src/parts/sub.ts", "export const sub = (x: number) => x + 61;\n"),
  },
];

describe("cache soundness through the CLI: a cached run equals a from-scratch run after every edit", () => {
  const dir = soundnessProject();

  test("the project runs, then reruns fully cached", () => {
    expect(run(dir).ran).toEqual([...NODES].sort());
    expect(run(dir).ran).toEqual([]);
  });

  for (const e of EDITS) {
    test(e.name, () => {
      e.apply(dir);
      const { cached, scratch } = cachedEqualsScratch(dir);
      expect(cached.outputs).toEqual(scratch.outputs);
      if (e.ran) expect(cached.ran).toEqual([...e.ran].sort());
      else expect(cached.ran.length).toBeGreaterThan(0);
    });
  }
});
