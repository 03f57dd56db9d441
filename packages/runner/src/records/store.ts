import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { didYouMean, ErrorCode, PipewrightError } from "@pipewright/core";
import type { RunRecord, RunSummary } from "../types.ts";
import { loadedRecord } from "./partition-columns.ts";
import { runsDir } from "./record.ts";

/**
 * The run records of a project (`.pipewright/runs/*.json`), for `pipewright runs`.
 *
 * @example
 * const runs = new RunStore(root);
 * const latest = await runs.get("latest");
 */
export class RunStore {
  readonly dir: string;
  constructor(readonly root: string) {
    this.dir = runsDir(root);
  }

  /** Record ids, oldest first (ids sort by start time). */
  ids(): string[] {
    let files: string[];
    try {
      files = readdirSync(this.dir);
    } catch {
      return [];
    }
    return files
      .filter((f) => f.endsWith(".json"))
      .map((f) => f.slice(0, -5))
      .sort();
  }

  /** One row per run, oldest first: `runs ls --json`. Unreadable files are left out. */
  async list(): Promise<RunSummary[]> {
    const rows: RunSummary[] = [];
    for (const id of this.ids()) {
      const r = this.read(id, false);
      if (r)
        rows.push({
          id: r.id,
          pipeline: r.pipeline,
          status: r.status,
          startedAt: r.startedAt,
          counts: r.counts,
          durationMs: r.durationMs,
        });
    }
    return rows;
  }

  /**
   * A record by id, by a unique prefix of one, or "latest". Throws UNKNOWN_RUN, with a
   * "did you mean" when an id is close.
   */
  async get(idOrLatest: string): Promise<RunRecord> {
    const ids = this.ids();
    let id: string | undefined;
    if (idOrLatest === "latest") id = ids.at(-1);
    else if (ids.includes(idOrLatest)) id = idOrLatest;
    else {
      const matches = ids.filter((i) => i.startsWith(idOrLatest));
      if (matches.length > 1) {
        throw new PipewrightError(
          ErrorCode.UNKNOWN_RUN,
          `run id prefix "${idOrLatest}" matches ${matches.length} runs (${matches.slice(0, 3).join(", ")}${matches.length > 3 ? ", ..." : ""}). Give more of the id.`,
        );
      }
      id = matches[0];
    }
    if (id === undefined) {
      const hint =
        ids.length === 0
          ? " No runs are recorded yet: run `pipewright run` first."
          : `${didYouMean(idOrLatest, ids)} List runs with \`pipewright runs ls\`.`;
      throw new PipewrightError(
        ErrorCode.UNKNOWN_RUN,
        `no run "${idOrLatest}" in ${this.dir}.${hint}`,
      );
    }
    const record = this.read(id);
    if (!record)
      throw new PipewrightError(
        ErrorCode.UNKNOWN_RUN,
        `run record ${join(this.dir, `${id}.json`)} is not valid JSON.`,
      );
    return record;
  }

  /** Node id -> cache key in the latest run (that used the cache), or an empty map. */
  latestKeys(): Map<string, string> {
    const id = this.ids().at(-1);
    const record = id === undefined ? undefined : this.read(id, false);
    // A --no-cache run moved no pointers: its keys say nothing about them.
    if (record?.options?.cache === false) return new Map();
    return new Map(
      (record?.nodes ?? [])
        .filter((n) => n.cacheKey !== null && (n.status === "ran" || n.status === "cached"))
        .map((n) => [n.name, n.cacheKey!]),
    );
  }

  /**
   * A record file, parsed. `partitions`: whether map nodes' partition columns become
   * partition records (see loadedRecord); `runs ls` and the previous run's keys need none,
   * and are spared 10,000 objects per map node.
   */
  private read(id: string, partitions = true): RunRecord | undefined {
    try {
      const stored = JSON.parse(readFileSync(join(this.dir, `${id}.json`), "utf8"));
      return partitions ? loadedRecord(stored) : (stored as RunRecord);
    } catch {
      return undefined;
    }
  }
}
