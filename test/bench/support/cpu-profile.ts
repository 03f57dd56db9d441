// Reads a V8 CPU profile (.cpuprofile, as `node --cpu-prof` writes it) into the figures a
// benchmark's bound cites: the time spent inside named functions, measured in the same run,
// instead of percentages quoted from a profile taken once by hand.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * The .cpuprofile in `dir` of the thread that ran `functionName` (a loader's worker thread,
 * tsx's say, writes a profile of its own).
 */
export function profileWith(dir: string, functionName: string): Profile {
  const needle = `"functionName":${JSON.stringify(functionName)}`;
  for (const f of readdirSync(dir).filter((x) => x.endsWith(".cpuprofile"))) {
    const text = readFileSync(join(dir, f), "utf8");
    if (text.includes(needle)) return JSON.parse(text) as Profile;
  }
  throw new Error(`no .cpuprofile in ${dir} ran ${functionName}`);
}

/**
 * Milliseconds of samples whose stack holds a function of each name (inclusive time: a
 * function's callees count, a recursive one counts once). `match(frame)` picks the frames.
 */
export function inclusiveMs<K extends string>(
  profile: Profile,
  names: Record<K, (frame: ProfileNode["callFrame"]) => boolean>,
): Record<K, number> {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Per node id: the names on its stack, worked out once per distinct stack.
  const namesOf = new Map<number, K[]>();
  const keys = Object.keys(names) as K[];
  const stackNames = (id: number): K[] => {
    let known = namesOf.get(id);
    if (known) return known;
    const up = parent.get(id);
    const above = up === undefined ? [] : stackNames(up);
    const frame = byId.get(id)!.callFrame;
    const own = keys.filter((k) => names[k](frame) && !above.includes(k));
    known = own.length === 0 ? above : [...above, ...own];
    namesOf.set(id, known);
    return known;
  };
  const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  profile.samples.forEach((id, i) => {
    for (const k of stackNames(id)) out[k] += (profile.timeDeltas[i] ?? 0) / 1000;
  });
  return out;
}

/** A frame of function `name` in a file whose path ends with `file`. */
export const fn =
  (name: string, file: string) =>
  (frame: ProfileNode["callFrame"]): boolean =>
    frame.functionName === name && frame.url.endsWith(file);
