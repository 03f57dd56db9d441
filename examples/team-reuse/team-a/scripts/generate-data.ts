/**
 * Writes data/01_raw/orders.csv: a year of a small retail shop's purchases from a fixed
 * seed (same bytes everywhere), with a few refunds and bulk orders for the shared
 * pipeline's cleaning step to drop.
 *
 *   npx tsx scripts/generate-data.ts        (from examples/team-reuse/team-a)
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

const CATEGORIES = ["grocery", "electronics", "clothing", "garden"];
const PRICE: Record<string, number> = { grocery: 40, electronics: 300, clothing: 80, garden: 60 };

export function generateOrders(seed = 7): string {
  const rand = mulberry32(seed);
  const lines = ["customer_id,order_date,amount,category"];
  const start = Date.UTC(2023, 6, 1);
  for (let i = 0; i < 600; i++) {
    const customer = `C${String(1 + Math.floor(rand() ** 1.5 * 60)).padStart(3, "0")}`;
    const category = CATEGORIES[Math.floor(rand() * CATEGORIES.length)]!;
    const date = new Date(start + Math.floor(rand() * 365) * 86_400_000).toISOString().slice(0, 10);
    let amount = PRICE[category]! * (0.3 + rand() * 1.4);
    const odd = rand();
    if (odd < 0.03)
      amount = -amount; // refund
    else if (odd < 0.05) amount *= 20; // bulk order
    lines.push(`${customer},${date},${amount.toFixed(2)},${category}`);
  }
  return `${lines.join("\n")}\n`;
}

export const ORDERS_CSV = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "data",
  "01_raw",
  "orders.csv",
);

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  mkdirSync(dirname(ORDERS_CSV), { recursive: true });
  writeFileSync(ORDERS_CSV, generateOrders());
  console.log("wrote data/01_raw/orders.csv");
}
