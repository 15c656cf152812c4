/**
 * One HTTP delivery of an event batch to the control plane (DESIGN.md §5.3), and what its outcome
 * means for the sender: acknowledged, worth retrying, or refused for good.
 */
import { EventAckSchema, type RunWorkerEvent } from "../../protocol";

export type DeliveryResult =
  | { kind: "acked"; ackedThrough: number }
  | { kind: "retry"; reason: string }
  | { kind: "rejected"; reason: string };

export type PostBatch = (events: readonly RunWorkerEvent[]) => Promise<DeliveryResult>;

/** 408, 429 and 5xx are the control plane's or the network's trouble; any other 4xx is ours. */
export function classifyStatus(status: number): "ok" | "retry" | "rejected" {
  if (status >= 200 && status < 300) return "ok";
  if (status === 408 || status === 429 || status >= 500) return "retry";
  if (status >= 400) return "rejected";
  return "retry";
}

export interface PosterOptions {
  readonly url: string;
  readonly token: string;
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

export function createBatchPoster(options: PosterOptions): PostBatch {
  const doFetch = options.fetch ?? fetch;
  return async (events) => {
    let response: Response;
    try {
      response = await doFetch(options.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${options.token}` },
        body: JSON.stringify({ events }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      return { kind: "retry", reason: `network error: ${error instanceof Error ? error.message : String(error)}` };
    }
    const text = await response.text().catch(() => "");
    const verdict = classifyStatus(response.status);
    if (verdict === "retry") return { kind: "retry", reason: `HTTP ${response.status}: ${text.slice(0, 500)}` };
    if (verdict === "rejected") return { kind: "rejected", reason: `HTTP ${response.status}: ${text.slice(0, 2000)}` };
    const ack = EventAckSchema.safeParse(safeJson(text));
    if (!ack.success) return { kind: "retry", reason: `reply is not {acked_through}: ${text.slice(0, 500)}` };
    return { kind: "acked", ackedThrough: ack.data.acked_through };
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON: the schema check right after reports it as a bad reply.
    return undefined;
  }
}
