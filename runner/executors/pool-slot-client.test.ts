import { describe, expect, it, vi } from "vitest";
import type { LaunchRequest } from "../../protocol";
import type { NewEvent } from "../events/event-log";
import { defineJob } from "../sdk/job";
import { defineOp } from "../sdk/op";
import { inProcessExecutor } from "./in-process";
import { type PoolSlotClaimer, PoolSlotClient, PoolSlotRefused } from "./pool-slot-client";

const EVENTS_URL = "http://cp.test/api/runs/r/events";

function recorder() {
  const events: NewEvent[] = [];
  const emit = (event: NewEvent) => {
    events.push(event);
    return { seq: events.length, type: event.type, ts: 0 };
  };
  return { emit, events };
}

type Call = { method: string; url: string; body: unknown };

/** A control plane answering each request with the next scripted reply (the last one repeats). */
function fakeControlPlane(replies: Record<string, { status: number; body: unknown }[]>) {
  const calls: Call[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    // A real claim takes I/O (a WAITING one is held up to wait_ms): never answer synchronously.
    await new Promise((r) => setTimeout(r, 1));
    const method = init.method ?? "GET";
    calls.push({ method, url, body: init.body ? JSON.parse(String(init.body)) : null });
    const key = `${method} ${url.replace("http://cp.test/api/runs/r", "")}`;
    const script = replies[key] ?? [{ status: 200, body: { released: true } }];
    const reply = script.length > 1 ? script.shift() : script[0];
    return new Response(JSON.stringify(reply?.body), { status: reply?.status ?? 500 });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, calls };
}

const granted = (lease_ms = 60_000) => ({
  status: 200,
  body: { status: "GRANTED", pool: "wh", step_key: "load", expires_at: 1, lease_ms },
});
const waiting = {
  status: 200,
  body: { status: "WAITING", pool: "wh", step_key: "load", limit: 1, in_use: 1, position: 1 },
};

describe("PoolSlotClient", () => {
  it("takes a free slot without a word in the event log and releases it with DELETE", async () => {
    const cp = fakeControlPlane({ "POST /pool-slots": [granted()] });
    const { emit, events } = recorder();
    const client = new PoolSlotClient({ eventsUrl: EVENTS_URL, token: "t", emit, fetch: cp.fetch });
    expect(await client.acquire("load", "wh", new AbortController().signal)).toBe(true);
    await client.release("load");
    client.close();
    expect(events).toEqual([]);
    expect(cp.calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      "POST http://cp.test/api/runs/r/pool-slots",
      "DELETE http://cp.test/api/runs/r/pool-slots/load",
    ]);
  });

  it("says once that the step waits, then long polls until granted and says how long it waited", async () => {
    const cp = fakeControlPlane({ "POST /pool-slots": [waiting, waiting, granted()] });
    const { emit, events } = recorder();
    const client = new PoolSlotClient({ eventsUrl: EVENTS_URL, token: "t", emit, fetch: cp.fetch });
    expect(await client.acquire("load", "wh", new AbortController().signal)).toBe(true);
    client.close();
    expect(cp.calls.map((c) => (c.body as { wait_ms: number }).wait_ms)).toEqual([0, 20_000, 20_000]);
    expect(events.map((e) => e.message)).toEqual([
      'Step "load" waits for a slot of pool "wh" (limit 1, 1 in use, position 1 in line).',
      expect.stringMatching(/^Step "load" got a slot of pool "wh" after waiting (\d+ ms|[\d.]+ s)\.$/),
    ]);
  });

  it("gives up waiting when the run is terminated", async () => {
    const cp = fakeControlPlane({ "POST /pool-slots": [waiting] });
    const abort = new AbortController();
    const client = new PoolSlotClient({ eventsUrl: EVENTS_URL, token: "t", emit: recorder().emit, fetch: cp.fetch });
    const acquiring = client.acquire("load", "wh", abort.signal);
    setTimeout(() => abort.abort(), 20);
    expect(await acquiring).toBe(false);
  });

  it("fails the claim on a refusal it would get again, and retries a 5xx", async () => {
    const refused = fakeControlPlane({ "POST /pool-slots": [{ status: 403, body: { error: {} } }] });
    const client = new PoolSlotClient({
      eventsUrl: EVENTS_URL,
      token: "t",
      emit: recorder().emit,
      fetch: refused.fetch,
    });
    await expect(client.acquire("load", "wh", new AbortController().signal)).rejects.toBeInstanceOf(PoolSlotRefused);
    const flaky = fakeControlPlane({ "POST /pool-slots": [{ status: 503, body: {} }, granted()] });
    const retrying = new PoolSlotClient({
      eventsUrl: EVENTS_URL,
      token: "t",
      emit: recorder().emit,
      fetch: flaky.fetch,
      retryDelayMs: 1,
    });
    expect(await retrying.acquire("load", "wh", new AbortController().signal)).toBe(true);
    retrying.close();
  });

  it("renews held slots every third of the lease and warns when one was lost", async () => {
    const cp = fakeControlPlane({
      "POST /pool-slots": [granted(300)],
      "POST /pool-slots/renew": [{ status: 200, body: { renewed: [], lost: ["load"] } }],
    });
    const { emit, events } = recorder();
    const client = new PoolSlotClient({ eventsUrl: EVENTS_URL, token: "t", emit, fetch: cp.fetch });
    await client.acquire("load", "wh", new AbortController().signal);
    // The first renewal is due after 100 ms; wait for its reply to be handled, however late it comes.
    await vi.waitFor(
      () => expect(events).toMatchObject([{ type: "ENGINE_EVENT", level: "WARNING", stepKey: "load" }]),
      {
        timeout: 30_000,
      },
    );
    client.close();
    expect(cp.calls.filter((c) => c.url.endsWith("/renew"))[0]?.body).toEqual({ step_keys: ["load"] });
  });
});

describe("steps of an op with a pool", () => {
  const launch: LaunchRequest = {
    run_id: "r",
    attempt: 1,
    location: "l",
    job: "j",
    run_config: {},
    tags: {},
    events_url: EVENTS_URL,
    run_token: "t",
  };

  it("start only once the slot is held and free it after they end; ops without a pool claim nothing", async () => {
    const log: string[] = [];
    const claimer: PoolSlotClaimer = {
      acquire: async (step, pool) => {
        log.push(`acquire ${step} ${pool}`);
        return true;
      },
      release: async (step) => {
        log.push(`release ${step}`);
      },
      close: () => {},
    };
    const load = defineOp({ name: "load", pool: "wh", run: () => 1 });
    const free = defineOp({ name: "free", run: () => 2 });
    const job = defineJob({ name: "j", graph: () => [load(), free()] });
    const { emit, events } = recorder();
    const emitAndLog = (event: NewEvent) => {
      if (event.type === "STEP_START" || event.type === "STEP_SUCCESS") log.push(`${event.type} ${event.stepKey}`);
      return emit(event);
    };
    const signal = new AbortController().signal;
    await inProcessExecutor.execute({ job, launch, emit: emitAndLog, signal, poolSlots: claimer });
    expect(log).toEqual([
      "acquire load wh",
      "STEP_START load",
      "STEP_SUCCESS load",
      "release load",
      "STEP_START free",
      "STEP_SUCCESS free",
    ]);
    expect(events.filter((e) => e.type === "STEP_FAILURE")).toEqual([]);
  });

  it("fails a step whose run was terminated while it waited, without starting it", async () => {
    const claimer: PoolSlotClaimer = { acquire: async () => false, release: async () => {}, close: () => {} };
    const load = defineOp({ name: "load", pool: "wh", run: () => 1 });
    const job = defineJob({ name: "j", graph: () => load() });
    const { emit, events } = recorder();
    const result = await inProcessExecutor.execute({
      job,
      launch,
      emit,
      signal: new AbortController().signal,
      poolSlots: claimer,
    });
    expect(result.failed).toEqual(["load"]);
    expect(events.map((e) => e.type)).toEqual(["STEP_FAILURE"]);
  });
});
