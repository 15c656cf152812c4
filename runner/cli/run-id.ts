/**
 * Run ids on the command line. Ids are UUIDv7: the first 12 hex digits are a millisecond
 * timestamp (runs created close together share them) and the version digit `7` follows, so what
 * tells runs apart is the random tail. The CLI shows the first 8 hex digits of that tail, and
 * takes any unique prefix of it — or of the tail with its `7`, as copied from a whole id — or a
 * whole id.
 */
import { RunListSchema } from "../../protocol";
import type { ApiClient } from "./api-client";
import { CliError, UsageError } from "./errors";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAGE = 500;
/** How many runs a prefix is matched against before asking for the whole id. */
const MAX_SCANNED = 10_000;

const hex = (id: string) => id.replaceAll("-", "").toLowerCase();

/** The 8 hex digits after the timestamp and the version digit: what tables show. */
export function shortRunId(id: string): string {
  return hex(id).slice(13, 21);
}

/** Whether `prefix` (dashes ignored) starts the random tail of `id`, with or without its version digit. */
export function matchesRunIdPrefix(id: string, prefix: string): boolean {
  const p = hex(prefix);
  if (p.length === 0) return false;
  const h = hex(id);
  return h.slice(13).startsWith(p) || h.slice(12).startsWith(p);
}

/** The whole id of the one run `input` names; a clear error when none or several match. */
export async function resolveRunId(client: ApiClient, input: string): Promise<string> {
  if (UUID.test(input)) return input.toLowerCase();
  if (!/^[0-9a-f-]+$/i.test(input)) {
    throw new UsageError(
      `"${input}" is not a run id: give a run id or the start of its random part, as \`flightdeck run list\` shows it.`,
    );
  }
  const matches: string[] = [];
  let cursor: string | undefined;
  for (let scanned = 0; scanned < MAX_SCANNED; scanned += PAGE) {
    const page = await client.request("GET", "/api/runs", RunListSchema, { query: { limit: PAGE, cursor } });
    for (const run of page.runs) if (matchesRunIdPrefix(run.id, input)) matches.push(run.id);
    if (matches.length > 1) break;
    if (page.next_cursor === null) break;
    cursor = page.next_cursor;
  }
  const [only] = matches;
  if (matches.length === 1 && only) return only;
  if (matches.length > 1) {
    throw new CliError(
      `"${input}" matches more than one run (${matches.slice(0, 3).map(shortRunId).join(", ")}…); give more of it.`,
    );
  }
  throw new CliError(`No run id has a random part starting with "${input}".`);
}
