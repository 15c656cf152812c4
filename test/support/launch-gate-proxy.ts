/**
 * A fault injector between the control plane and a code location server: it forwards every request
 * as is, and does to launch requests (`POST /runs`) what the test asks —
 * - `pass`: forwards them;
 * - `hold`: takes them and never answers nor forwards them (the launch is in flight; when the
 *   control plane dies, the connection goes with it and the launch never reaches the server);
 * - `error`: answers 500 with the protocol's error envelope, as a server that refuses a launch.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export type LaunchGateMode = "pass" | "hold" | "error";

export type LaunchGateProxy = {
  url: string;
  setMode: (mode: LaunchGateMode) => void;
  /** Launch requests received (forwarded, held or refused). */
  launches: () => number;
  close: () => Promise<void>;
};

export async function startLaunchGateProxy(target: string): Promise<LaunchGateProxy> {
  let mode: LaunchGateMode = "pass";
  let launches = 0;
  const held = new Set<http.ServerResponse>();
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method === "POST" && req.url === "/runs") {
      launches += 1;
      if (mode === "hold") {
        held.add(res);
        res.on("close", () => held.delete(res));
        return;
      }
      if (mode === "error") {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { code: "internal_error", message: "the launch gate refused this launch" } }));
        return;
      }
    }
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === "string" && k !== "host" && k !== "content-length") headers.set(k, v);
    }
    try {
      const reply = await fetch(new URL(req.url ?? "/", target), {
        method: req.method,
        headers,
        body: req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks),
      });
      res.writeHead(reply.status, { "content-type": reply.headers.get("content-type") ?? "application/json" });
      res.end(Buffer.from(await reply.arrayBuffer()));
    } catch (err) {
      res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "bad_gateway", message: String(err) } }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setMode: (next) => {
      mode = next;
    },
    launches: () => launches,
    close: () =>
      new Promise((resolve) => {
        for (const res of held) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
