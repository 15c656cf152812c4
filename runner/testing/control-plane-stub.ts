/**
 * A stand-in for the control plane's events endpoint (`POST /api/runs/:id/events`), for tests of
 * the runner's side of the contract: stores events by (run, attempt, seq) once, answers
 * `{acked_through}` with the highest gap-free seq, and can be made to fail with 503 on demand.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ComputeLogChunkSchema, EventBatchSchema, type RunWorkerEvent } from "../../protocol";

export class ControlPlaneStub {
  /** Events by run id, by seq: what storage would hold. */
  readonly stored = new Map<string, Map<number, RunWorkerEvent>>();
  /** Every event delivery received, duplicates included. */
  deliveries = 0;
  /** Events received for a seq already stored. */
  duplicates = 0;
  failures = 0;
  down = false;
  /** Stores events but answers 503, as when a reply is lost: the runner must send them again. */
  loseAcks = false;
  private readonly tokens = new Map<string, string>();
  private server: Server | null = null;
  private port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const reply = this.handle(req.url ?? "", req.headers.authorization, Buffer.concat(chunks).toString("utf8"));
        res.writeHead(reply.status, { "content-type": "application/json" });
        res.end(JSON.stringify(reply.body));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** The events_url and run_token a launch request for `runId` carries. */
  endpointFor(runId: string): { events_url: string; run_token: string } {
    const token = `token-${runId}`;
    this.tokens.set(runId, token);
    return {
      events_url: `http://127.0.0.1:${this.port}/api/runs/${encodeURIComponent(runId)}/events`,
      run_token: token,
    };
  }

  events(runId: string): RunWorkerEvent[] {
    return [...(this.stored.get(runId)?.values() ?? [])].sort((a, b) => a.seq - b.seq);
  }

  /** Compute logs by run id, then `<step>/<stream>`: the uploaded text, chunks in offset order. */
  readonly computeLogs = new Map<string, Map<string, string>>();

  private handle(url: string, authorization: string | undefined, body: string): { status: number; body: unknown } {
    const logs = /^\/api\/runs\/([^/]+)\/compute-logs\/([^/]+)$/.exec(url);
    if (logs?.[1] && logs[2])
      return this.handleComputeLog(decodeURIComponent(logs[1]), decodeURIComponent(logs[2]), authorization, body);
    const runId = decodeURIComponent(/^\/api\/runs\/([^/]+)\/events$/.exec(url)?.[1] ?? "");
    if (this.down) {
      this.failures++;
      return { status: 503, body: { error: { code: "internal_error", message: "down for the test" } } };
    }
    if (authorization !== `Bearer ${this.tokens.get(runId)}`) {
      return { status: 401, body: { error: { code: "unauthorized", message: "bad run token" } } };
    }
    const batch = EventBatchSchema.safeParse(JSON.parse(body));
    if (!batch.success)
      return { status: 400, body: { error: { code: "validation_failed", message: batch.error.message } } };
    this.deliveries++;
    const stored = this.stored.get(runId) ?? new Map<number, RunWorkerEvent>();
    this.stored.set(runId, stored);
    for (const event of batch.data.events) {
      if (stored.has(event.seq)) this.duplicates++;
      else stored.set(event.seq, event);
    }
    if (this.loseAcks) {
      this.failures++;
      return { status: 503, body: { error: { code: "internal_error", message: "ack lost for the test" } } };
    }
    let ackedThrough = 0;
    while (stored.has(ackedThrough + 1)) ackedThrough++;
    return { status: 200, body: { acked_through: ackedThrough } };
  }

  private handleComputeLog(runId: string, step: string, authorization: string | undefined, body: string) {
    if (authorization !== `Bearer ${this.tokens.get(runId)}`) {
      return { status: 401, body: { error: { code: "unauthorized", message: "bad run token" } } };
    }
    const chunk = ComputeLogChunkSchema.parse(JSON.parse(body));
    const byStep = this.computeLogs.get(runId) ?? new Map<string, string>();
    this.computeLogs.set(runId, byStep);
    const key = `${step}/${chunk.stream}`;
    const text = byStep.get(key) ?? "";
    if (Buffer.byteLength(text) === chunk.offset) byStep.set(key, text + chunk.data);
    return { status: 200, body: { stored_through: chunk.offset + Buffer.byteLength(chunk.data) } };
  }
}
