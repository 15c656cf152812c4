/** Shared helpers of the worker's integration tests: calling the Worker, counting rows, a clean D1 per test. */
import { applyD1Migrations, reset } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { afterEach, expect } from "vitest";
import type { ErrorCode } from "../../protocol";
import { ErrorEnvelopeSchema } from "../../protocol";

export const ADMIN_TOKEN = "test-admin-token";
export const ORIGIN = "https://flightdeck.test";

type CallOptions = {
  body?: unknown;
  /** Sent as is, for malformed bodies. */
  rawBody?: string;
  /** Bearer token; the admin token unless given; null sends none. */
  token?: string | null;
};

export function call(method: string, path: string, options: CallOptions = {}): Promise<Response> {
  const token = options.token === undefined ? ADMIN_TOKEN : options.token;
  const headers = new Headers();
  if (token !== null) headers.set("authorization", `Bearer ${token}`);
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (method === "GET" || method === "HEAD") body = undefined; // fetch forbids a GET body
  if (body !== undefined) headers.set("content-type", "application/json");
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, { method, headers, body }));
}

/** Asserts the reply is the error envelope with this status and code; returns the error. */
export async function expectError(response: Response, status: number, code: ErrorCode) {
  const body: unknown = await response.json();
  expect({ status: response.status, body }).toMatchObject({ status, body: { error: { code } } });
  return ErrorEnvelopeSchema.parse(body).error;
}

export const TABLES = ["code_locations", "runs", "run_tags", "event_log"] as const;
export type Table = (typeof TABLES)[number];

export async function countRows(table: Table): Promise<number> {
  const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>();
  return row?.n ?? 0;
}

export async function countAllRows(): Promise<Record<Table, number>> {
  const counts = await Promise.all(TABLES.map(async (t) => [t, await countRows(t)] as const));
  return Object.fromEntries(counts) as Record<Table, number>;
}

/** Storage is isolated per test file, not per test: wipe and re-migrate after each test. */
export function useCleanDatabase(): void {
  afterEach(async () => {
    await reset();
    await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
  });
}
