import { describe, expect, it } from "vitest";
import { ReadyQueue } from "../src/util/heap.ts";

describe("ReadyQueue", () => {
  it("pops the smallest position first, whatever the pushes and pops in between", () => {
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 200; round++) {
      const q = new ReadyQueue();
      const model: number[] = [];
      for (let step = 0; step < 60; step++) {
        if (model.length > 0 && random() < 0.4) {
          model.sort((a, b) => a - b);
          expect(q.pop()).toBe(model.shift());
        } else {
          const p = Math.floor(random() * 50);
          q.push(p);
          model.push(p);
        }
        expect(q.size).toBe(model.length);
      }
      model.sort((a, b) => a - b);
      for (const p of model) expect(q.pop()).toBe(p);
      expect(q.pop()).toBeUndefined();
    }
  });
});
