/**
 * A webhook receiver on loopback, as a user would write one: it verifies every request with the
 * `standardwebhooks` package and the policy's secret, remembers what it got, and answers with the
 * status its test asks for (`respond`), so tests can make it fail on purpose.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export type ReceivedAlert = {
  id: string;
  /** Parsed body when the signature verified; null when it did not. */
  body: { type: string; data: Record<string, unknown> } | null;
  status: number;
  at: number;
};

export type AlertReceiver = {
  url: string;
  received: ReceivedAlert[];
  /** What to answer the n-th request (1-based); 200 unless set. */
  respond: (fn: (n: number) => number) => void;
  stop: () => Promise<void>;
};

/** `port` 0 picks a free one; a receiver brought back up after a test stopped it passes its old port. */
export async function startAlertReceiver(secret: () => string | null, port = 0): Promise<AlertReceiver> {
  const received: ReceivedAlert[] = [];
  let plan: (n: number) => number = () => 200;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : (v ?? "")]),
      );
      let body: ReceivedAlert["body"] = null;
      const key = secret();
      try {
        if (key !== null) body = new Webhook(key).verify(raw, headers) as ReceivedAlert["body"];
      } catch {
        body = null; // a bad signature: recorded as unverified, answered 401 below
      }
      const status = body === null ? 401 : plan(received.length + 1);
      received.push({ id: headers["webhook-id"] ?? "", body, status, at: Date.now() });
      res.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "ok" : `status ${status}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}/alerts`,
    received,
    respond: (fn) => {
      plan = fn;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
