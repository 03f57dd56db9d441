import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import type { Worker } from "node:worker_threads";
import { ErrorCode, PipewrightError } from "@pipewright/core";
import {
  type FromWorker,
  reviveError,
  type ToWorker,
  type WorkerInit,
} from "../worker/protocol.ts";

// The worker's entry beside the runner's code: one level up from this module in src/, or
// in dist/ beside the bundle this module is built into (scripts/build.ts).
const ENTRY = [
  new URL("../worker/entry.mjs", import.meta.url),
  new URL("./worker/entry.mjs", import.meta.url),
].find((url) => existsSync(url))!;

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  busy: boolean;
}

interface Pending {
  node: string;
  slot: Slot;
  resolve: (outputs: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * A fixed set of worker threads, each holding the user's pipeline loaded from the config
 * module. Threads start when the pool is created, so loading overlaps the cache checks
 * of the first nodes. A thread whose node is abandoned (Ctrl-C, timeout) is terminated
 * and replaced.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly waiting: ((slot: Slot) => void)[] = [];
  private nextTask = 0;
  private closed = false;
  /** Runs using this pool now; a kept pool is parked when the last one ends. */
  users = 0;
  private parked = false;

  constructor(
    size: number,
    private readonly init: WorkerInit,
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    // Required when a pool is made, not imported: every command that loads the runner
    // (status, run-node) would otherwise load Node's worker modules for nothing.
    const { Worker } = createRequire(import.meta.url)(
      "node:worker_threads",
    ) as typeof import("node:worker_threads");
    const worker = new Worker(ENTRY, {
      workerData: { ...this.init, module: resolve(this.init.module) },
    });
    let slot!: Slot;
    const ready = new Promise<void>((ok, fail) => {
      worker.on("message", (m: FromWorker) => {
        if (m.type === "ready") ok();
        else if (m.type === "init-error") {
          const e = reviveError(m.error);
          fail(
            new PipewrightError(
              ErrorCode.NODE_FAILED,
              `a worker thread could not load ${this.init.module}: ${e.message}`,
              { cause: e },
            ),
          );
        } else this.settle(m);
      });
      worker.on("error", (error) => {
        fail(error);
        this.failSlot(slot, error);
      });
      worker.on("exit", (code) => {
        fail(new Error(`worker exited with code ${code} while loading`));
        this.failSlot(slot, new Error(`the worker thread exited (code ${code})`));
      });
    });
    // A load failure is reported when a node is given to the worker, not as an unhandled rejection.
    ready.catch(() => {});
    slot = { worker, ready, busy: false };
    return slot;
  }

  private settle(m: Extract<FromWorker, { type: "result" | "error" }>): void {
    const p = this.pending.get(m.task);
    if (!p) return;
    this.pending.delete(m.task);
    this.release(p.slot);
    if (m.type === "result") p.resolve(m.outputs);
    else p.reject(reviveError(m.error));
  }

  private failSlot(slot: Slot, error: Error): void {
    for (const [task, p] of this.pending) {
      if (p.slot !== slot) continue;
      this.pending.delete(task);
      p.reject(error);
    }
    this.replace(slot);
  }

  private replace(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i === -1) return;
    void slot.worker.terminate();
    if (this.closed) return;
    const fresh = this.spawn();
    if (this.parked) fresh.worker.unref();
    this.slots[i] = fresh;
    this.release(fresh);
  }

  private release(slot: Slot): void {
    slot.busy = false;
    const next = this.waiting.shift();
    if (next) {
      slot.busy = true;
      next(slot);
    }
  }

  private acquire(): Promise<Slot> {
    const free = this.slots.find((s) => !s.busy);
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Runs node `node`'s function on `inputs` in a worker; `abandon()` kills that worker. */
  run(
    node: string,
    inputs: Record<string, unknown>,
  ): { result: Promise<unknown>; abandon: () => void; started: Promise<void> } {
    const task = this.nextTask++;
    let slotRef: Slot | undefined;
    let abandoned = false;
    // Resolved once the node is handed to a booted thread (or the attempt ended before).
    let markStarted!: () => void;
    const started = new Promise<void>((ok) => {
      markStarted = ok;
    });
    const result = (async () => {
      const slot = await this.acquire();
      slotRef = slot;
      if (abandoned) {
        this.release(slot);
        throw new Error("abandoned");
      }
      try {
        await slot.ready;
      } catch (error) {
        this.release(slot);
        throw error;
      }
      return new Promise<unknown>((resolve, reject) => {
        this.pending.set(task, { node, slot, resolve, reject });
        const message: ToWorker = { type: "run", task, node, inputs };
        try {
          slot.worker.postMessage(message);
          markStarted();
        } catch (error) {
          this.pending.delete(task);
          this.release(slot);
          reject(
            new PipewrightError(
              ErrorCode.NOT_SERIALISABLE,
              `the inputs of node "${node}" cannot be sent to a worker thread: ${(error as Error).message}`,
              {
                cause: error,
              },
            ),
          );
        }
      });
    })();
    const abandon = () => {
      abandoned = true;
      const slot = slotRef;
      if (slot && this.pending.has(task)) {
        this.pending.delete(task);
        this.replace(slot);
      }
    };
    result.then(markStarted, markStarted);
    return { result, abandon, started };
  }

  /**
   * Lets the process exit while the threads wait for the next run: idle threads no
   * longer keep the event loop alive.
   */
  park(): void {
    this.parked = true;
    for (const s of this.slots) s.worker.unref();
  }

  /** The opposite of park(): the threads keep the process alive while a run uses them. */
  unpark(): void {
    this.parked = false;
    for (const s of this.slots) s.worker.ref();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
