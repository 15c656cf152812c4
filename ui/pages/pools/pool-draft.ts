/** The "Add a pool limit" draft checked with the protocol's schemas: pure, so it is tested in Node. */
import { PoolLimitBodySchema, PoolNameSchema } from "../../../protocol/pools";

/** What is wrong with the draft, field by field; empty fields are not wrong yet, just unfinished. */
export function checkPoolDraft(name: string, limit: string): { name?: string; limit?: string } {
  const problems: { name?: string; limit?: string } = {};
  if (name !== "") {
    const parsed = PoolNameSchema.safeParse(name);
    if (!parsed.success) problems.name = parsed.error.issues[0]?.message ?? "not a pool name";
  }
  if (limit.trim() !== "") {
    const n = Number(limit);
    if (!PoolLimitBodySchema.safeParse({ limit: n }).success) {
      problems.limit = "a whole number ≥ 0 (0 runs none of its steps)";
    }
  }
  return problems;
}
