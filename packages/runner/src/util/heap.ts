/**
 * A binary min-heap of node positions in the plan's order: "earliest ready node first".
 * Numbers, not ids: comparing two ids by their position was a Map lookup each, a cache
 * miss apiece on a large plan.
 */
export class ReadyQueue {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(position: number): void {
    const a = this.items;
    a.push(position);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent]! <= position) break;
      a[i] = a[parent]!;
      i = parent;
    }
    a[i] = position;
  }

  pop(): number | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= a.length) break;
      const m = l + 1 < a.length && a[l + 1]! < a[l]! ? l + 1 : l;
      if (a[m]! >= last) break;
      a[i] = a[m]!;
      i = m;
    }
    a[i] = last;
    return top;
  }
}
