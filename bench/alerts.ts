/**
 * The alerts figure: from a run's FAILURE (the RUN_FAILURE event's time, stamped by the run
 * worker) to a receiver on loopback holding the verified alert — the run worker's event webhook,
 * the control plane's ingestion, raising, the alerts queue, its consumer's signed POST. Beside it,
 * the floor: a Worker that does one queue send and whose consumer does one HTTP POST.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { z } from "zod";
import { AlertWebhookBodySchema } from "../protocol";
import type { ControlPlane } from "../scripts/lib/local-stack";
import { formatLatency, type LatencyResult } from "./first-slice";
import { startFloorWorker } from "./floor-worker";
import { percentile } from "./stats";

type Receiver = { url: string; arrivals: Map<string, number>; close: () => void };

/** Records when each alert (by run id) or floor message (by its `id`) arrived, in epoch ms. */
async function startReceiver(secret: () => string | null): Promise<Receiver> {
  const arrivals = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const at = Date.now();
      const raw = Buffer.concat(chunks).toString("utf8");
      const key = secret();
      if (key === null) {
        arrivals.set(String(JSON.parse(raw).id), at);
      } else {
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        const body = AlertWebhookBodySchema.parse(new Webhook(key).verify(raw, headers));
        if (body.data.run) arrivals.set(body.data.run.id, at);
      }
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, arrivals, close: () => server.close() };
}

async function waitFor<T>(get: () => T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = get();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function summarize(samples: number[]): LatencyResult {
  return { n: samples.length, p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

/** `n` runs of the demo's `fails` job, one at a time, each alerting one webhook policy. */
export async function measureFailureToAlert(cp: ControlPlane, n: number): Promise<LatencyResult> {
  let secret: string | null = null;
  const receiver = await startReceiver(() => secret);
  try {
    const policy = await cp.client.createAlertPolicy({
      name: "bench: failures",
      events: ["RUN_FAILURE"],
      filters: { jobs: ["fails"], tags: { bench: "alerts" } },
      destination: { type: "WEBHOOK", url: receiver.url },
    });
    secret = policy.secret;
    const samples: number[] = [];
    for (let i = 0; i < n + 2; i++) {
      const run = await cp.client.submitRun({ location: "demo", job: "fails", tags: { bench: "alerts" } });
      const arrived = await waitFor(() => receiver.arrivals.get(run.id), `the alert of run ${run.id}`);
      const failed = await cp.client.getRun(run.id);
      if (failed.status !== "FAILURE" || failed.ended_at === null) throw new Error(`run ${run.id} is ${failed.status}`);
      if (i >= 2) samples.push(arrived - failed.ended_at); // the first two warm the Worker and the queue
    }
    await cp.client.request("DELETE", `/api/alerts/policies/${policy.id}`, z.null());
    return summarize(samples);
  } finally {
    receiver.close();
  }
}

/** The floor: one queue send and one POST from the consumer, `n` times, one at a time. */
export async function measureQueueAndPostFloor(persistDir: string, n: number): Promise<LatencyResult> {
  const receiver = await startReceiver(() => null);
  const floor = await startFloorWorker("bench/floors/alert-floor.wrangler.toml", persistDir);
  try {
    const samples: number[] = [];
    for (let i = 0; i < n + 2; i++) {
      const sentAt = Date.now();
      const res = await fetch(floor.url, { method: "POST", body: JSON.stringify({ to: receiver.url, id: i }) });
      await res.text();
      const arrived = await waitFor(() => receiver.arrivals.get(String(i)), "the floor's POST");
      if (i >= 2) samples.push(arrived - sentAt);
    }
    return summarize(samples);
  } finally {
    receiver.close();
    await floor.stop();
  }
}

export function alertRows(alert: LatencyResult, floor: LatencyResult): string[][] {
  return [
    ["run FAILURE → receiver has the signed alert", `${formatLatency(alert)} (target p50 ≤ 1 s)`],
    ["  floor: one queue send + one HTTP POST", formatLatency(floor)],
  ];
}
