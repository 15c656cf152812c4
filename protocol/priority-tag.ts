/**
 * How the `flightdeck/priority` tag is read: exactly as Dagster's queued run coordinator reads
 * `dagster/priority` — Python's `int(value)`, and 0 when that raises (`_priority_sort` in
 * dagster/_daemon/run_coordinator/queued_run_coordinator_daemon.py: `try: return int(tag) except
 * ValueError: return 0`). So the run always launches; a value Dagster would read as 0 is read as 0.
 *
 * Python's `int()` of a string: surrounding whitespace (Python's notion of it, which is not
 * JavaScript's `\s`), one optional `+` or `-`, then decimal digits — any Unicode decimal digit
 * (`"３"` is 3) — with single underscores allowed between digits (`"1_000"`). Leading zeros are
 * fine in base 10. Nothing else: `"1.5"`, `"1e3"`, `"0x10"`, `"- 3"` and `""` raise.
 *
 * What Dagster lacks and Flightdeck adds: the reading says when it fell back to 0, so the run's
 * event log and the queue page can tell the operator why the run sits where it does.
 */

/** Python's str.isspace() characters (Py_UNICODE_ISSPACE), which int() strips from both ends. */
const PY_SPACE = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const PY_INT = new RegExp(`^[${PY_SPACE}]*([+-]?)(\\p{Nd}+(?:_\\p{Nd}+)*)[${PY_SPACE}]*$`, "u");
const DECIMAL_DIGIT = /^\p{Nd}$/u;

/** Unicode lays out every decimal digit run as 0..9 in order, so a digit's value is its offset in its run. */
function digitValue(char: string): number {
  const code = char.codePointAt(0) ?? 0;
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  let start = code;
  while (DECIMAL_DIGIT.test(String.fromCodePoint(start - 1))) start--;
  return (code - start) % 10;
}

export type PriorityReading = {
  /** What the queue orders by: higher launches first. */
  readonly priority: number;
  /** Set when the tag could not be read as written; says what was used instead. */
  readonly warning: string | null;
};

export const DEFAULT_PRIORITY = 0;

export function readPriorityTag(raw: string | undefined): PriorityReading {
  if (raw === undefined) return { priority: DEFAULT_PRIORITY, warning: null };
  const match = PY_INT.exec(raw);
  if (!match) {
    return { priority: DEFAULT_PRIORITY, warning: `priority tag '${raw}' is not an integer; using 0` };
  }
  const [, sign = "", digits = ""] = match;
  let magnitude = 0n;
  for (const char of digits) if (char !== "_") magnitude = magnitude * 10n + BigInt(digitValue(char));
  const value = sign === "-" ? -magnitude : magnitude;
  // Python's ints are unbounded; the queue orders by a float64-safe integer, so beyond ±(2^53 − 1)
  // the order between two such huge priorities is lost — say so rather than order them wrongly.
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  if (value > max || value < -max) {
    const clamped = value > max ? Number.MAX_SAFE_INTEGER : -Number.MAX_SAFE_INTEGER;
    return { priority: clamped, warning: `priority tag '${raw}' is beyond ±${max}; using ${clamped}` };
  }
  // `-0` is 0 (Object.is would tell them apart in a sort key or a JSON reply).
  return { priority: Number(value) || 0, warning: null };
}
