/** Fixtures shared by the integration tests: a registered fake location, a submitted run. */
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, expect } from "vitest";
import type { Run, RunStatus } from "../../protocol";
import { CodeLocationReplySchema, RunReplySchema } from "../../protocol";
import { FakeCodeLocation, interceptCodeLocations } from "./fake-code-location";
import { call } from "./helpers";

export const FAKE_URL = "http://code-location.test:4000";

export async function registerFake(fake: FakeCodeLocation, name = "demo") {
  const res = await call("POST", "/api/code-locations", { body: { name, url: fake.url, secret: fake.secret } });
  expect(res.status).toBe(201);
  return CodeLocationReplySchema.parse(await res.json()).code_location;
}

export async function submitGreet(extra: Record<string, unknown> = {}): Promise<Run> {
  const res = await call("POST", "/api/runs", {
    body: { location: "demo", job: "greet", run_config: { ops: { greet: { config: { name: "Ada" } } } }, ...extra },
  });
  expect(res.status).toBe(201);
  return RunReplySchema.parse(await res.json()).run;
}

export async function getRunReply(id: string): Promise<Run> {
  const res = await call("GET", `/api/runs/${id}`);
  expect(res.status).toBe(200);
  return RunReplySchema.parse(await res.json()).run;
}

/** Puts a run in a status directly, to test what happens from there (tests only). */
export async function forceStatus(id: string, status: RunStatus): Promise<void> {
  await env.DB.prepare("UPDATE runs SET status = ? WHERE id = ?").bind(status, id).run();
}

export async function eventTypes(runId: string): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT type FROM event_log WHERE run_id = ? ORDER BY id")
    .bind(runId)
    .all<{ type: string }>();
  return results.map((r) => r.type);
}

export function newFake(url = FAKE_URL): FakeCodeLocation {
  return new FakeCodeLocation(url);
}

/**
 * Before each test, a new fake code location registered as "demo" with outbound HTTP routed to
 * it; after, the routing undone. Returns the current test's fake.
 */
export function useRegisteredFake(): () => FakeCodeLocation {
  let fake: FakeCodeLocation;
  let spy: ReturnType<typeof interceptCodeLocations>;
  beforeEach(async () => {
    fake = newFake();
    spy = interceptCodeLocations(fake);
    await registerFake(fake);
  });
  afterEach(() => spy.mockRestore());
  return () => fake;
}
