/**
 * Hostile input against every route of the app, in workerd: fast-check generates requests — each
 * route's method and path with odd parameters, malformed or oversized or deeply nested bodies,
 * odd query strings, odd Idempotency-Keys, no token, a wrong token, a run token, a launcher's API
 * token, or the admin token — and every reply
 * must be below 500, every refusal the protocol's error envelope, and a refused request must
 * leave every table as it was.
 *
 * Bounded for `npm test` (FUZZ_RUNS, default 150 requests); a longer run:
 *   FUZZ_RUNS=10000 npx vitest run worker/http/fuzz.property.test.ts
 */
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CreatedApiTokenReplySchema, ErrorEnvelopeSchema } from "../../protocol";
import { app } from "../app";
import { submitGreet, useRegisteredFake } from "../test/fixtures";
import { ADMIN_TOKEN, ORIGIN } from "../test/helpers";
import { useRunCoordinator } from "../test/run-coordinator-type";

useRunCoordinator("default");
const fake = useRegisteredFake();

const RUNS = Number(env.FUZZ_RUNS) || 150;
const TABLES = [
  "api_tokens",
  "audit_log",
  "code_locations",
  "event_log",
  "instance_overrides",
  "run_keys",
  "run_reexecutions",
  "run_retries",
  "run_tags",
  "runs",
  "schedule_state",
  "schedule_ticks",
  "sensor_state",
  "sensor_ticks",
  "sessions",
  "idempotency_keys",
];

async function snapshot(): Promise<Record<string, number>> {
  const counts = await env.DB.batch(TABLES.map((t) => env.DB.prepare(`SELECT count(*) AS n FROM ${t}`)));
  return Object.fromEntries(
    TABLES.map((t, i) => [t, Number((counts[i]?.results[0] as { n?: number } | undefined)?.n)]),
  );
}

/** Every route the app serves, as Hono registered it (middleware-only entries left out). */
function routes(): Array<{ method: string; path: string }> {
  const seen = new Set<string>();
  const out: Array<{ method: string; path: string }> = [];
  for (const r of app.routes) {
    if (r.method === "ALL" || !r.path.startsWith("/api/")) continue;
    const key = `${r.method} ${r.path}`;
    if (!seen.has(key)) out.push({ method: r.method, path: r.path });
    seen.add(key);
  }
  return out;
}

const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom("", "..", "%00", "%2F", "a".repeat(5000), "demo", "greet", "🙂", "-1", "1e309", "null"),
);

function nested(depth: number, open: string, close: string): string {
  return open.repeat(depth) + close.repeat(depth);
}

const body = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.integer({ min: 65, max: 6000 }).map((d) => nested(d, "[", "]")),
  fc.integer({ min: 65, max: 3000 }).map((d) => `{"run_config":${nested(d, '{"a":', "}").replace(/\}$/, "1}")}}`),
  fc
    .record({
      location: nasty,
      job: nasty,
      run_config: fc.jsonValue({ maxDepth: 3 }),
      tags: fc.dictionary(
        fc.oneof(nasty, fc.constantFrom("flightdeck/max_runtime", "flightdeck/parent_run_id")),
        nasty,
      ),
      priority: fc.oneof(fc.integer(), fc.double(), nasty),
    })
    .map((v) => JSON.stringify(v)),
  fc
    .record({
      events: fc.array(
        fc.record({ seq: fc.integer(), type: nasty, ts: fc.double(), data: fc.jsonValue({ maxDepth: 3 }) }),
        { maxLength: 5 },
      ),
    })
    .map((v) => JSON.stringify(v)),
);

const query = fc.array(
  fc.tuple(
    fc.oneof(fc.constantFrom("status", "tag", "limit", "cursor", "after", "hours", "location", "offset"), nasty),
    nasty,
  ),
  { maxLength: 30 },
);

describe("every route under hostile input", () => {
  it(
    `answers ${RUNS} generated requests below 500, refusals in the envelope, storing nothing when refused`,
    async () => {
      const all = routes();
      expect(all.length).toBeGreaterThan(30);
      const run = await submitGreet();
      const runToken = fake().launches[0]?.run_token ?? "none";
      const made = await app.fetch(
        new Request(`${ORIGIN}/api/tokens`, {
          method: "POST",
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
          body: JSON.stringify({ name: "fuzz", role: "launcher" }),
        }),
        env,
      );
      const { secret: launcherToken } = CreatedApiTokenReplySchema.parse(await made.json());
      const token = fc.constantFrom<string | null>(null, "garbage", ADMIN_TOKEN, runToken, launcherToken, "fdt_forged");
      const idempotencyKey = fc.option(fc.oneof(fc.string({ maxLength: 40 }), fc.constant("k".repeat(300))), {
        nil: undefined,
      });

      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...all),
          fc.array(nasty, { minLength: 4, maxLength: 4 }),
          body,
          query,
          token,
          fc.boolean(),
          idempotencyKey,
          async (route, params, text, pairs, bearer, useRealRunId, key) => {
            let i = 0;
            const path = route.path.replace(/:[a-z_]+/g, (name) =>
              name === ":id" && useRealRunId ? run.id : encodeURIComponent(params[i++ % params.length] ?? ""),
            );
            const search = new URLSearchParams(pairs).toString();
            const headers = new Headers();
            if (bearer !== null) headers.set("authorization", `Bearer ${bearer}`);
            if (key !== undefined) headers.set("idempotency-key", key);
            const sendsBody = route.method !== "GET" && route.method !== "HEAD" && text !== undefined;
            if (sendsBody) headers.set("content-type", "application/json");
            const before = await snapshot();
            const res = await app.fetch(
              new Request(`${ORIGIN}${path}${search ? `?${search}` : ""}`, {
                method: route.method,
                headers,
                body: sendsBody ? text : undefined,
              }),
              env,
              { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext,
            );
            const replied = await res.text();
            const what = `${route.method} ${path}?${search} -> ${res.status} ${replied.slice(0, 300)}`;
            expect(res.status, what).toBeLessThan(500);
            if (res.status >= 400) {
              expect(ErrorEnvelopeSchema.safeParse(JSON.parse(replied)).success, what).toBe(true);
              expect(await snapshot(), what).toEqual(before);
            }
          },
        ),
        { numRuns: RUNS },
      );
    },
    Math.max(120_000, RUNS * 200),
  );
});
