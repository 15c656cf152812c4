/**
 * A fault injector between run workers and the control plane: it forwards every request twice
 * and answers with the second reply, so each event batch is delivered twice for real.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export type DuplicatingProxy = { url: string; forwarded: () => number; close: () => Promise<void> };

export async function startDuplicatingProxy(target: () => string): Promise<DuplicatingProxy> {
  let forwarded = 0;
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === "string" && k !== "host" && k !== "content-length") headers.set(k, v);
    }
    try {
      const send = () =>
        fetch(new URL(req.url ?? "/", target()), {
          method: req.method,
          headers,
          body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
        });
      await (await send()).arrayBuffer();
      const second = await send();
      forwarded += 2;
      res.writeHead(second.status, { "content-type": second.headers.get("content-type") ?? "application/json" });
      res.end(Buffer.from(await second.arrayBuffer()));
    } catch (err) {
      res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "bad_gateway", message: String(err) } }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    forwarded: () => forwarded,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
