/** A binary min-heap of small non-negative integers. */
class IntHeap {
  private items = new Int32Array(16);
  size = 0;

  push(value: number): void {
    if (this.size === this.items.length) {
      const grown = new Int32Array(this.items.length * 2);
      grown.set(this.items);
      this.items = grown;
    }
    const a = this.items;
    let i = this.size++;
    a[i] = value;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= a[i]!) break;
      const t = a[p]!;
      a[p] = a[i]!;
      a[i] = t;
      i = p;
    }
  }

  pop(): number {
    const a = this.items;
    const top = a[0]!;
    const last = a[--this.size]!;
    if (this.size > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.size && a[l]! < a[m]!) m = l;
        if (r < this.size && a[r]! < a[m]!) m = r;
        if (m === i) break;
        const t = a[m]!;
        a[m] = a[i]!;
        a[i] = t;
        i = m;
      }
    }
    return top;
  }
}

/**
 * Kahn's algorithm over ids, ties broken by id. Returns the sorted ids and the ids left
 * over because they sit on or behind a cycle. Ids are ranked once by name so the heap
 * compares integers, not strings.
 */
export function topoSort(
  ids: readonly string[],
  predecessors: (id: string) => Iterable<string>,
): { order: string[]; blocked: string[] } {
  const n = ids.length;
  const byName = Array.from({ length: n }, (_, i) => i).sort((a, b) =>
    ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0,
  );
  const rank = new Int32Array(n);
  for (let r = 0; r < n; r++) rank[byName[r]!] = r;
  const position = new Map<string, number>();
  for (let i = 0; i < n; i++) position.set(ids[i]!, i);
  const waiting = new Int32Array(n);
  const successors: number[][] = new Array(n);
  for (let i = 0; i < n; i++) {
    for (const p of predecessors(ids[i]!)) {
      const j = position.get(p);
      if (j === undefined) continue;
      waiting[i]!++;
      const list = successors[j];
      if (list) list.push(i);
      else successors[j] = [i];
    }
  }
  const heap = new IntHeap();
  for (let i = 0; i < n; i++) if (waiting[i] === 0) heap.push(rank[i]!);
  const order: string[] = [];
  while (heap.size > 0) {
    const i = byName[heap.pop()]!;
    order.push(ids[i]!);
    for (const s of successors[i] ?? []) if (--waiting[s]! === 0) heap.push(rank[s]!);
  }
  const blocked = order.length === n ? [] : ids.filter((_, i) => waiting[i]! > 0);
  return { order, blocked };
}
