// The fixture pipeline built at module level, so that under vitest and under tsx the same
// files are on its definition stack: plan.test.ts compares a compile in each.
import { linear } from "./fixtures.ts";

export const built = linear();
