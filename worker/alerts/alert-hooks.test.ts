/**
 * The hooks that raise alerts, against D1: which policies an event alerts, once per policy and
 * event however often it is raised, and the wait for run retries' decision. The alerts queue is
 * a recording stand-in for the binding; the consumer's path is tested end to end in test/e2e.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AlertPolicyBody } from "../../protocol";
import { AlertPolicyReplySchema } from "../../protocol";
import { forceStatus, submitGreet, useRegisteredFake } from "../test/fixtures";
import { call, useCleanDatabase } from "../test/helpers";
import type { AlertEnv } from "./alert-hooks";
import { alertCodeLocationFailed, alertOverdueRuns, alertRunsEnded, alertTickFailed } from "./alert-hooks";
import type { AlertQueueMessage } from "./raise-alerts";

useCleanDatabase();
useRegisteredFake();

function recordingEnv(instanceConfig = "{}"): AlertEnv & { sent: string[] } {
  const sent: string[] = [];
  const queue = {
    send: async (body: AlertQueueMessage) => void sent.push(body.delivery_id),
    sendBatch: async (messages: Iterable<{ body: AlertQueueMessage }>) => {
      for (const m of messages) sent.push(m.body.delivery_id);
    },
  };
  return { ...env, INSTANCE_CONFIG: instanceConfig, ALERTS_QUEUE: queue as unknown as Queue, sent };
}

async function policy(body: Partial<AlertPolicyBody> & Pick<AlertPolicyBody, "name" | "events">) {
  const res = await call("POST", "/api/alerts/policies", {
    body: { destination: { type: "WEBHOOK", url: "https://hooks.example.com/x" }, ...body },
  });
  expect(res.status).toBe(201);
  return AlertPolicyReplySchema.parse(await res.json()).policy;
}

async function deliveries(policyId: string) {
  const { results } = await env.DB.prepare(
    "SELECT id, event, dedupe_key, run_id, status FROM alert_deliveries WHERE policy_id = ? ORDER BY created_at",
  )
    .bind(policyId)
    .all<{ id: string; event: string; dedupe_key: string; run_id: string | null; status: string }>();
  return results;
}

describe("raising alerts", () => {
  it("a failed run alerts each matching policy once, however many times it is raised", async () => {
    const failures = await policy({ name: "failures", events: ["RUN_FAILURE"] });
    const otherJob = await policy({ name: "other job", events: ["RUN_FAILURE"], filters: { jobs: ["etl"] } });
    const successes = await policy({ name: "successes", events: ["RUN_SUCCESS"] });
    const run = await submitGreet();
    await forceStatus(run.id, "FAILURE");
    const e = recordingEnv();
    await alertRunsEnded(e, [run.id]);
    await alertRunsEnded(e, [run.id]);

    const [delivery, ...more] = await deliveries(failures.id);
    expect(more).toEqual([]);
    expect(delivery).toMatchObject({ event: "RUN_FAILURE", run_id: run.id, status: "PENDING" });
    expect(e.sent).toEqual([delivery?.id]);
    expect(await deliveries(otherJob.id)).toEqual([]);
    expect(await deliveries(successes.id)).toEqual([]);
  });

  it("a policy that skips retried failures waits for run retries' decision", async () => {
    const last = await policy({ name: "last attempt", events: ["RUN_FAILURE"], skip_if_will_retry: true });
    const run = await submitGreet();
    await forceStatus(run.id, "FAILURE");
    const e = recordingEnv('{"run_retries": {"enabled": true, "max_retries": 1}}');
    await alertRunsEnded(e, [run.id]);
    expect(await deliveries(last.id)).toEqual([]);

    await env.DB.prepare("INSERT INTO run_retries (failed_run_id, decision, decided_at) VALUES (?, 'RETRY', 1)")
      .bind(run.id)
      .run();
    await alertRunsEnded(e, [run.id]);
    expect(await deliveries(last.id)).toEqual([]);

    await env.DB.prepare("UPDATE run_retries SET decision = 'NO_RETRY' WHERE failed_run_id = ?").bind(run.id).run();
    await alertRunsEnded(e, [run.id]);
    expect((await deliveries(last.id)).map((d) => d.run_id)).toEqual([run.id]);
  });

  it("a run running past a policy's threshold alerts once, across passes", async () => {
    const long = await policy({ name: "long", events: ["RUN_LONG_RUNNING"], long_running_minutes: 10 });
    const run = await submitGreet();
    const now = Date.now();
    await env.DB.prepare("UPDATE runs SET status = 'STARTED', started_at = ? WHERE id = ?")
      .bind(now - 9 * 60_000, run.id)
      .run();
    const e = recordingEnv();
    await alertOverdueRuns(e, now);
    expect(await deliveries(long.id)).toEqual([]);
    await alertOverdueRuns(e, now + 2 * 60_000);
    await alertOverdueRuns(e, now + 3 * 60_000);
    expect((await deliveries(long.id)).map((d) => d.dedupe_key)).toEqual([`run:${run.id}:RUN_LONG_RUNNING`]);
    expect(e.sent).toHaveLength(1);
  });

  it("a failed tick and a failed code location load alert the policies watching their location", async () => {
    const demo = await policy({
      name: "demo automation",
      events: ["SENSOR_TICK_FAILURE", "CODE_LOCATION_LOAD_FAILURE"],
      filters: { locations: ["demo"] },
    });
    const other = await policy({ name: "other", events: ["SENSOR_TICK_FAILURE"], filters: { locations: ["other"] } });
    const e = recordingEnv();
    const tick = { kind: "SENSOR" as const, location: "demo", name: "new_files", tickId: "7", error: "boom" };
    await alertTickFailed(e, tick, Date.now());
    await alertTickFailed(e, tick, Date.now());
    await alertCodeLocationFailed(e, { name: "demo", error: "refused", at: 5 });
    expect((await deliveries(demo.id)).map((d) => [d.event, d.dedupe_key]).sort()).toEqual([
      ["CODE_LOCATION_LOAD_FAILURE", "code_location:demo:5"],
      ["SENSOR_TICK_FAILURE", "tick:SENSOR:7"],
    ]);
    expect(await deliveries(other.id)).toEqual([]);
  });
});
