/** A binary min-heap of strings: topological sorts with ties broken by name in O(n log n). */
export class StringHeap {
  private readonly items: string[] = [];

  get size(): number {
    return this.items.length;
  }

  push(value: string): void {
    const a = this.items;
    a.push(value);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= a[i]!) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }

  pop(): string | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]! < a[m]!) m = l;
        if (r < a.length && a[r]! < a[m]!) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}

/**
 * Kahn's algorithm over ids, ties broken by id. Returns the sorted ids and the ids left
 * over because they sit on or behind a cycle.
 */
export function topoSort(
  ids: readonly string[],
  predecessors: (id: string) => Iterable<string>,
): { order: string[]; blocked: string[] } {
  const waiting = new Map<string, number>();
  const successors = new Map<string, string[]>();
  for (const id of ids) {
    let count = 0;
    for (const p of predecessors(id)) {
      count++;
      const list = successors.get(p);
      if (list) list.push(id);
      else successors.set(p, [id]);
    }
    waiting.set(id, count);
  }
  const heap = new StringHeap();
  for (const id of ids) if (waiting.get(id) === 0) heap.push(id);
  const order: string[] = [];
  while (heap.size > 0) {
    const id = heap.pop()!;
    order.push(id);
    for (const s of successors.get(id) ?? []) {
      const left = waiting.get(s)! - 1;
      waiting.set(s, left);
      if (left === 0) heap.push(s);
    }
  }
  const blocked = order.length === ids.length ? [] : ids.filter((id) => waiting.get(id)! > 0);
  return { order, blocked };
}
