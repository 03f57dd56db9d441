/** A binary min-heap of node ids by their position in the plan: "earliest ready node first". */
export class ReadyQueue {
  private readonly items: string[] = [];
  constructor(private readonly position: ReadonlyMap<string, number>) {}

  get size(): number {
    return this.items.length;
  }

  push(id: string): void {
    const a = this.items;
    a.push(id);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.rank(a[parent]!) <= this.rank(a[i]!)) break;
      [a[parent], a[i]] = [a[i]!, a[parent]!];
      i = parent;
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
        if (l < a.length && this.rank(a[l]!) < this.rank(a[m]!)) m = l;
        if (r < a.length && this.rank(a[r]!) < this.rank(a[m]!)) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }

  private rank(id: string): number {
    return this.position.get(id)!;
  }
}
