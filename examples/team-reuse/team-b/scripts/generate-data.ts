/**
 * Writes data/01_raw/web_orders.jsonl: a year of a web shop's orders (subscriptions and
 * add-ons) from a fixed seed, one JSON object per line, with a few refunds and one
 * suspiciously large order for the shared pipeline's cleaning step to drop.
 *
 *   npx tsx scripts/generate-data.ts        (from examples/team-reuse/team-b)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** mulberry32: a tiny seeded generator, so the file never changes between machines. */
function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PLANS = [
  { category: "subscription", price: 12 },
  { category: "subscription", price: 29 },
  { category: "add_on", price: 5 },
  { category: "add_on", price: 9 },
  { category: "gift_card", price: 25 },
];

export function generateWebOrders(seed = 11): string {
  const rand = mulberry32(seed);
  const lines: string[] = [];
  const start = Date.UTC(2023, 9, 1);
  for (let i = 0; i < 400; i++) {
    const user = `u-${(1 + Math.floor(rand() * 40)).toString(36).padStart(2, "0")}`;
    const plan = PLANS[Math.floor(rand() * PLANS.length)]!;
    const day = new Date(start + Math.floor(rand() * 270) * 86_400_000).toISOString().slice(0, 10);
    const odd = rand();
    const amount = odd < 0.04 ? -plan.price : odd < 0.05 ? plan.price * 100 : plan.price;
    lines.push(
      JSON.stringify({ customer_id: user, order_date: day, amount, category: plan.category }),
    );
  }
  return `${lines.join("\n")}\n`;
}

export const WEB_ORDERS = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "data",
  "01_raw",
  "web_orders.jsonl",
);

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  mkdirSync(dirname(WEB_ORDERS), { recursive: true });
  writeFileSync(WEB_ORDERS, generateWebOrders());
  console.log("wrote data/01_raw/web_orders.jsonl");
}
