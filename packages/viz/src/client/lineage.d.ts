import type { Visible, VizData } from "../model/types.ts";

export interface Adjacency {
  ins: number[][];
  outs: number[][];
}
export function adjacency(data: VizData): Adjacency;
export function lineage(adj: Adjacency, start: number[]): { up: Set<number>; down: Set<number> };
export function litKeys(
  data: VizData,
  vis: Visible,
  start: number[],
  up: Set<number>,
  down: Set<number>,
): { boxes: Set<string>; edges: Set<string> };
