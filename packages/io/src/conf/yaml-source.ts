import { readFileSync } from "node:fs";
import { ErrorCode, type Issue } from "@pipewright/core";
import type { Document, LineCounter } from "yaml";
import { isMiss, rememberedYaml, rememberYaml, yamlLibrary } from "./yaml-values.ts";

type Key = string | number;

/**
 * A parsed YAML file that remembers where every value came from, so an error can say
 * `conf/catalog.yaml:12` instead of only naming a key.
 */
export class YamlSource {
  private constructor(
    /** The file as the user named it, for messages. */
    readonly label: string,
    private doc: Document | undefined,
    private lines: LineCounter | undefined,
    /** The text of a source whose value was remembered: parsed only if a message needs a line. */
    private readonly text?: string,
  ) {}

  /** A source for values given in code: messages name `label` and no line. */
  static inline(label: string): YamlSource {
    return new YamlSource(label, undefined, undefined);
  }

  /**
   * Reads and parses a YAML file. Syntax errors become issues with file:line; the value
   * is undefined when the file does not exist (`missing: "empty"`) or cannot be parsed.
   */
  static async read(
    file: string,
    label: string,
    missing: "error" | "empty",
    /** The project root: values parsed before are remembered in its state dir (yaml-values.ts). */
    root?: string,
  ): Promise<{ source: YamlSource; value: unknown; issues: Issue[] }> {
    let text: string;
    try {
      // Conf files are small: one synchronous read, not a thread-pool round trip per step.
      text = readFileSync(file, "utf8");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT" && missing === "empty")
        return { source: YamlSource.inline(label), value: undefined, issues: [] };
      const issue: Issue = {
        code: ErrorCode.CATALOG_INVALID,
        message: `cannot read ${label}: ${code === "ENOENT" ? "the file does not exist" : (e as Error).message}.`,
        path: [label],
      };
      return { source: YamlSource.inline(label), value: undefined, issues: [issue] };
    }
    if (root === undefined) return YamlSource.parse(text, label);
    const remembered = rememberedYaml(root, "catalog", text);
    if (!isMiss(remembered)) {
      const source = new YamlSource(label, undefined, undefined, text);
      return { source, value: remembered, issues: [] };
    }
    const parsed = YamlSource.parse(text, label);
    if (parsed.issues.length === 0) rememberYaml(root, "catalog", text, parsed.value);
    return parsed;
  }

  /** Parses YAML text; see read(). */
  static parse(
    text: string,
    label: string,
  ): { source: YamlSource; value: unknown; issues: Issue[] } {
    const { LineCounter, isMap, parseDocument } = yamlLibrary();
    const lines = new LineCounter();
    // uniqueKeys (the default) makes a repeated entry name an error rather than a silent
    // override; merge keys (`<<: *defaults`) are how Kedro catalogs share settings.
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, merge: true });
    const source = new YamlSource(label, doc, lines);
    const issues: Issue[] = doc.errors.map((e) => {
      const at = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
      const where = at ? `${label}:${at.line}:${at.col}` : label;
      return {
        code: ErrorCode.CATALOG_INVALID,
        message: `${where}: invalid YAML: ${e.message.split("\n")[0]}`,
        path: [where],
      };
    });
    if (issues.length > 0) return { source, value: undefined, issues };
    const value = doc.toJS({ maxAliasCount: 1000 });
    if (value !== null && value !== undefined && !isMap(doc.contents)) {
      issues.push({
        code: ErrorCode.CATALOG_INVALID,
        message: `${source.where([])}: the file must be a mapping of names to entries.`,
        path: [label],
      });
    }
    return { source, value, issues };
  }

  /**
   * `file:line` of the value at `path`, or of its closest located parent (an alias or a
   * missing key has no node of its own); just the file for inline sources.
   */
  where(path: readonly Key[]): string {
    if (!this.doc && this.text !== undefined) {
      const { source } = YamlSource.parse(this.text, this.label);
      this.doc = source.doc;
      this.lines = source.lines;
    }
    if (!this.doc || !this.lines) return this.label;
    const { isMap } = yamlLibrary();
    const at = (range: [number, number, number]) =>
      `${this.label}:${this.lines!.linePos(range[0]).line}`;
    for (let n = path.length; n > 0; n--) {
      // The key's line: for an entry that is the line of its name, not of its first field.
      const parent = this.doc.getIn(path.slice(0, n - 1), true);
      if (isMap(parent)) {
        const pair = parent.items.find(
          (p) => (p.key as { value?: unknown } | null)?.value === path[n - 1],
        );
        const range = (pair?.key as { range?: [number, number, number] } | null)?.range;
        if (range) return at(range);
      }
      const node = this.doc.getIn(path.slice(0, n), true) as
        | { range?: [number, number, number] }
        | undefined;
      if (node && typeof node === "object" && node.range) return at(node.range);
    }
    return this.label;
  }
}
