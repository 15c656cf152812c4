/**
 * D1's limits that shape how statements are built. D1 binds at most 100 parameters per statement,
 * so multi-row inserts are split into chunks that stay under it (and all chunks go into one batch).
 */
export const D1_MAX_BOUND_PARAMETERS = 100;

/** Splits rows into chunks whose bound parameters (`paramsPerRow` each) fit in one statement. */
export function chunkForBoundParameters<T>(rows: readonly T[], paramsPerRow: number): T[][] {
  if (paramsPerRow < 1 || paramsPerRow > D1_MAX_BOUND_PARAMETERS) {
    throw new Error(`a row of ${paramsPerRow} parameters cannot be bound in one D1 statement`);
  }
  const size = Math.floor(D1_MAX_BOUND_PARAMETERS / paramsPerRow);
  const chunks: T[][] = [];
  for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
  return chunks;
}
