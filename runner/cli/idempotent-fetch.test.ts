import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { fetchResendingIdempotent } from "./idempotent-fetch";

let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A server that closes the connection of the first `drops` requests without answering, then answers 200. */
async function droppingServer(drops: number): Promise<{ url: string; received: () => string[] }> {
  const received: string[] = [];
  server = createServer((req, res) => {
    received.push(req.method ?? "");
    if (received.length <= drops) {
      req.socket.destroy();
      return;
    }
    res.end("ok");
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, received: () => received };
}

describe("fetchResendingIdempotent", () => {
  it("sends a GET again, once, when its connection closes before the reply", async () => {
    const s = await droppingServer(1);
    const res = await fetchResendingIdempotent(s.url);
    expect(await res.text()).toBe("ok");
    expect(s.received()).toEqual(["GET", "GET"]);
  });

  it("gives up after the second closed connection", async () => {
    const s = await droppingServer(2);
    await expect(fetchResendingIdempotent(s.url)).rejects.toThrow("fetch failed");
    expect(s.received()).toEqual(["GET", "GET"]);
  });

  it("never sends a POST twice: the server may have acted on it", async () => {
    const s = await droppingServer(1);
    await expect(fetchResendingIdempotent(s.url, { method: "POST", body: "{}" })).rejects.toThrow("fetch failed");
    expect(s.received()).toEqual(["POST"]);
  });

  it("does not resend when nothing listens: that is not a closed connection", async () => {
    const s = await droppingServer(0);
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = undefined;
    const error = await fetchResendingIdempotent(s.url).catch((e: unknown) => e);
    expect((error as Error & { cause?: { code?: string } }).cause?.code).toBe("ECONNREFUSED");
  });
});
