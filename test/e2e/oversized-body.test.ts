/**
 * A chunked body over the byte cap, on a keep-alive connection under `wrangler dev`: the 413 comes
 * back, and so does the answer to the next request sent on the same connection. (workerd reads
 * the next request only once the previous body has been read to its end; see
 * worker/http/body-limit.ts.)
 */

import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ControlPlane, generateAdminToken, startControlPlane } from "../../scripts/lib/local-stack";
import { migratedD1 } from "../support/provided";

let dir: string;
let controlPlane: ControlPlane;
let adminToken: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "flightdeck-e2e-"));
  adminToken = generateAdminToken();
  controlPlane = await startControlPlane({
    persistDir: path.join(dir, "state"),
    migratedFrom: migratedD1(),
    adminToken,
  });
});
afterAll(async () => {
  await controlPlane?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Writes `parts` on one connection and resolves once `done(received)` holds. */
function exchange(port: number, parts: Buffer[], done: (received: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let received = "";
    socket.on("data", (data) => {
      received += data.toString("latin1");
      if (done(received)) {
        socket.destroy();
        resolve(received);
      }
    });
    socket.on("error", reject);
    socket.on("close", () => reject(new Error(`connection closed after: ${received.slice(0, 500)}`)));
    for (const part of parts) socket.write(part);
  });
}

describe("an oversized chunked body", () => {
  it("gets its 413, and the next request on the same connection is answered", async () => {
    const head = [
      "POST /api/runs HTTP/1.1",
      "Host: 127.0.0.1",
      `Authorization: Bearer ${adminToken}`,
      "Content-Type: application/json",
      "Transfer-Encoding: chunked",
    ].join("\r\n");
    const chunk = Buffer.alloc(64 * 1024, "a");
    const parts = [Buffer.from(`${head}\r\n\r\n`)];
    for (let i = 0; i < 20; i++)
      parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n"));
    parts.push(Buffer.from("0\r\n\r\n"), Buffer.from("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));

    const received = await exchange(controlPlane.port, parts, (r) => r.includes('"status":"ok"'));
    const statuses = [...received.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);
    expect(statuses).toEqual(["413", "200"]);
    expect(received).toContain('"code":"payload_too_large"');
  });
});
