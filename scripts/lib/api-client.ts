/**
 * A typed client of the control plane's API (DESIGN.md §5.1) for scripts, tests and benchmarks.
 * Every reply is parsed with its protocol schema, so a drifting shape fails loudly here.
 */
import type { z } from "zod";
import {
  AlertDeliveryListSchema,
  type AlertPolicyBody,
  AlertPolicyListSchema,
  AlertPolicyReplySchema,
  CodeLocationReplySchema,
  type CreateCodeLocation,
  ErrorEnvelopeSchema,
  EventListSchema,
  isTerminalStatus,
  JobListSchema,
  type Run,
  RunReplySchema,
  type RunStatus,
  type StoredEvent,
  type SubmitRun,
} from "../../protocol";
import { fetchResendingIdempotent } from "../../runner/cli/idempotent-fetch";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(`${status} ${code}: ${message}`);
  }
}

export class FlightdeckClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async request<S extends z.ZodType>(method: string, path: string, schema: S, body?: unknown): Promise<z.infer<S>> {
    const res = await fetchResendingIdempotent(new URL(path, this.baseUrl), {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const json: unknown = text ? JSON.parse(text) : null;
    if (!res.ok) {
      const envelope = ErrorEnvelopeSchema.safeParse(json);
      if (envelope.success) {
        const { code, message, details } = envelope.data.error;
        throw new ApiError(res.status, code, message, details);
      }
      throw new ApiError(res.status, "unexpected_reply", text.slice(0, 500));
    }
    return schema.parse(json);
  }

  async putCodeLocation(input: CreateCodeLocation) {
    const { name, ...rest } = input;
    return (await this.request("PUT", `/api/code-locations/${name}`, CodeLocationReplySchema, rest)).code_location;
  }

  async listJobs() {
    return (await this.request("GET", "/api/jobs", JobListSchema)).jobs;
  }

  async submitRun(input: SubmitRun): Promise<Run> {
    return (await this.request("POST", "/api/runs", RunReplySchema, input)).run;
  }

  async getRun(id: string): Promise<Run> {
    return (await this.request("GET", `/api/runs/${id}`, RunReplySchema)).run;
  }

  async terminateRun(id: string): Promise<Run> {
    return (await this.request("POST", `/api/runs/${id}/terminate`, RunReplySchema)).run;
  }

  /** The run's whole event log, following the cursor. */
  async listEvents(id: string): Promise<StoredEvent[]> {
    const all: StoredEvent[] = [];
    let after = 0;
    for (;;) {
      const page = await this.request("GET", `/api/runs/${id}/events?after=${after}&limit=1000`, EventListSchema);
      all.push(...page.events);
      if (page.events.length === 0 || page.cursor === after) return all;
      after = page.cursor;
    }
  }

  async createAlertPolicy(input: AlertPolicyBody) {
    return (await this.request("POST", "/api/alerts/policies", AlertPolicyReplySchema, input)).policy;
  }

  async listAlertPolicies() {
    return (await this.request("GET", "/api/alerts/policies", AlertPolicyListSchema)).policies;
  }

  /** A policy's delivery log, newest first. */
  async listAlertDeliveries(policyId: string) {
    const path = `/api/alerts/policies/${encodeURIComponent(policyId)}/deliveries?limit=200`;
    return (await this.request("GET", path, AlertDeliveryListSchema)).deliveries;
  }

  /** Polls until the run reaches one of `statuses` (default: any terminal one). */
  async waitForRun(
    id: string,
    opts: { statuses?: readonly RunStatus[]; timeoutMs?: number; intervalMs?: number } = {},
  ): Promise<Run> {
    const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
    const done = (r: Run) => (opts.statuses ? opts.statuses.includes(r.status) : isTerminalStatus(r.status));
    for (;;) {
      const run = await this.getRun(id);
      if (done(run)) return run;
      if (Date.now() > deadline) {
        throw new Error(`run ${id} still ${run.status} after ${opts.timeoutMs ?? 60_000} ms`);
      }
      await new Promise((r) => setTimeout(r, opts.intervalMs ?? 50));
    }
  }
}
