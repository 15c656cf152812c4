import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Run } from "../../protocol";
import { RunReplySchema } from "../../protocol";
import { openDatabase } from "../storage/db";
import { getRun } from "../storage/runs-repo";
import { useRegisteredFake } from "../test/fixtures";
import { ADMIN_TOKEN, call, expectError, ORIGIN, useCleanDatabase } from "../test/helpers";
import { useRunCoordinator } from "../test/run-coordinator-type";
import { createRunOnce, IDEMPOTENCY_KEY_TTL_MS } from "./idempotent-submit";

useCleanDatabase();
useRunCoordinator("default");
const fake = useRegisteredFake();

const SUBMIT = { location: "demo", job: "greet", run_config: { ops: { greet: { config: { name: "Ada" } } } } };

function submit(key: string | null, body: unknown = SUBMIT, token = ADMIN_TOKEN) {
  const headers = new Headers({ authorization: `Bearer ${token}`, "content-type": "application/json" });
  if (key !== null) headers.set("idempotency-key", key);
  return exports.default.fetch(
    new Request(`${ORIGIN}/api/runs`, { method: "POST", headers, body: JSON.stringify(body) }),
  );
}

async function runCount(): Promise<number> {
  return (await env.DB.prepare("SELECT count(*) AS n FROM runs").first<{ n: number }>())?.n ?? 0;
}

describe("Idempotency-Key on POST /api/runs", () => {
  it("answers a retry with the same key and body with the same run, never a second one", async () => {
    const first = await submit("retry-1");
    expect(first.status).toBe(201);
    const run = RunReplySchema.parse(await first.json()).run;
    // The same body with its keys in another order is the same request.
    const { run_config, job, location } = SUBMIT;
    const again = await submit("retry-1", { run_config, job, location });
    expect(again.status).toBe(201);
    expect(RunReplySchema.parse(await again.json()).run.id).toBe(run.id);
    expect(await runCount()).toBe(1);
    expect(fake().launches).toHaveLength(1);
  });

  it("refuses the same key with another body (422), storing nothing", async () => {
    expect((await submit("k")).status).toBe(201);
    const other = { ...SUBMIT, tags: { team: "b" } };
    await expectError(await submit("k", other), 422, "idempotency_key_reused");
    expect(await runCount()).toBe(1);
  });

  it("keeps one caller's keys apart from another's", async () => {
    const made = await call("POST", "/api/tokens", { body: { name: "ci", role: "launcher" } });
    const { secret } = (await made.json()) as { secret: string };
    const a = RunReplySchema.parse(await (await submit("shared")).json()).run;
    const b = RunReplySchema.parse(await (await submit("shared", SUBMIT, secret)).json()).run;
    expect(b.id).not.toBe(a.id);
  });

  it("frees the key of a refused submit, so the corrected request can use it", async () => {
    await expectError(await submit("fix-me", { ...SUBMIT, job: "nope" }), 404, "job_not_found");
    expect((await submit("fix-me")).status).toBe(201);
    expect(await runCount()).toBe(1);
  });

  it("refuses a key over 255 characters with 400", async () => {
    await expectError(await submit("k".repeat(256)), 400, "limit_exceeded");
    expect(await runCount()).toBe(0);
  });

  it("works on re-execute too", async () => {
    const parent = RunReplySchema.parse(await (await submit(null)).json()).run;
    await env.DB.prepare("UPDATE runs SET status = 'FAILURE' WHERE id = ?").bind(parent.id).run();
    const reexecute = () =>
      exports.default.fetch(
        new Request(`${ORIGIN}/api/runs/${parent.id}/reexecute`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${ADMIN_TOKEN}`,
            "content-type": "application/json",
            "idempotency-key": "re",
          },
          body: JSON.stringify({ strategy: "ALL_STEPS" }),
        }),
      );
    const one = RunReplySchema.parse(await (await reexecute()).json()).run;
    const two = RunReplySchema.parse(await (await reexecute()).json()).run;
    expect(two.id).toBe(one.id);
    expect(await runCount()).toBe(2);
  });
});

describe("createRunOnce", () => {
  const db = () => openDatabase(env.DB);
  const NOW = 1_800_000_000_000;
  /** Stands in for a submit: stores a run under the id it is given. */
  const create = async (runId: string): Promise<Run> => {
    await env.DB.prepare(
      "INSERT INTO runs (id, location, job, status, run_config, tags, created_at, updated_at) VALUES (?, 'demo', 'greet', 'QUEUED', '{}', '{}', 1, 1)",
    )
      .bind(runId)
      .run();
    const run = await getRun(db(), runId);
    if (!run) throw new Error("not stored");
    return run;
  };

  it("makes the run under the claimed id when the first request died before storing it", async () => {
    await env.DB.prepare(
      "INSERT INTO idempotency_keys (scope, key, body_hash, run_id, created_at) VALUES ('admin submitRun', 'lost', ?, 'claimed-id', ?)",
    )
      .bind(await hashOf({ a: 1 }), NOW)
      .run();
    const run = await createRunOnce(
      db(),
      { key: "lost", scope: "admin submitRun", request: { a: 1 }, now: NOW + 1 },
      create,
    );
    expect(run.id).toBe("claimed-id");
  });

  it("forgets a key after 24 hours", async () => {
    const req = { key: "old", scope: "s", request: { a: 1 } };
    const first = await createRunOnce(db(), { ...req, now: NOW }, create);
    const sameDay = await createRunOnce(db(), { ...req, now: NOW + IDEMPOTENCY_KEY_TTL_MS - 1 }, create);
    expect(sameDay.id).toBe(first.id);
    const nextDay = await createRunOnce(db(), { ...req, now: NOW + IDEMPOTENCY_KEY_TTL_MS }, create);
    expect(nextDay.id).not.toBe(first.id);
  });
});

async function hashOf(value: unknown): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify(value)));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
