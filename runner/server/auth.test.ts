import { describe, expect, it } from "vitest";
import { generateSecret, type SignedTarget, signWebhook } from "../../protocol";
import { authenticate, ReplayGuard } from "./auth";

const NOW = 1_800_000_000;
const secret = generateSecret();
const LAUNCH: SignedTarget = { method: "POST", path: "/runs", body: "{}" };
const headersOf = (record: Record<string, string>) => ({ get: (name: string) => record[name] });

describe("ReplayGuard", () => {
  it("accepts an id once and refuses it again within the window", () => {
    const guard = new ReplayGuard();
    expect(guard.remember("msg_1", NOW, NOW)).toBe(true);
    expect(guard.remember("msg_1", NOW, NOW + 299)).toBe(false);
  });

  it("forgets ids whose timestamps can no longer pass the tolerance check", () => {
    const guard = new ReplayGuard();
    guard.remember("msg_1", NOW, NOW);
    guard.remember("msg_2", NOW + 200, NOW);
    guard.remember("msg_3", NOW + 400, NOW + 301);
    expect(guard.size).toBe(2);
  });
});

describe("authenticate", () => {
  const cases: {
    name: string;
    headers: () => Promise<Record<string, string>>;
    target?: SignedTarget;
    message: RegExp | null;
  }[] = [
    {
      name: "accepts a fresh, correctly signed request",
      headers: () => signWebhook(secret, LAUNCH, { nowSeconds: NOW }),
      message: null,
    },
    { name: "refuses a request without signature headers", headers: async () => ({}), message: /not signed/ },
    {
      name: "refuses a body that is not the one signed",
      headers: () => signWebhook(secret, LAUNCH, { nowSeconds: NOW }),
      target: { ...LAUNCH, body: '{"x":1}' },
      message: /does not match/,
    },
    {
      name: "refuses a signature made for another path",
      headers: () => signWebhook(secret, { method: "GET", path: "/definitions", body: "" }, { nowSeconds: NOW }),
      target: { method: "POST", path: "/runs/r1/terminate", body: "" },
      message: /another method, path or body/,
    },
    {
      name: "refuses a signature made for another method",
      headers: () => signWebhook(secret, { ...LAUNCH, method: "GET" }, { nowSeconds: NOW }),
      message: /does not match/,
    },
    {
      name: "refuses a timestamp more than 5 minutes in the past",
      headers: () => signWebhook(secret, LAUNCH, { nowSeconds: NOW - 301 }),
      message: /more than 300 seconds/,
    },
    {
      name: "refuses a timestamp more than 5 minutes in the future",
      headers: () => signWebhook(secret, LAUNCH, { nowSeconds: NOW + 301 }),
      message: /more than 300 seconds/,
    },
  ];
  for (const { name, headers, target, message } of cases) {
    it(name, async () => {
      const result = await authenticate(secret, headersOf(await headers()), target ?? LAUNCH, new ReplayGuard(), NOW);
      expect(result).toEqual(message === null ? { ok: true } : { ok: false, message: expect.stringMatching(message) });
    });
  }

  it("refuses the same signed request the second time as a replay", async () => {
    const guard = new ReplayGuard();
    const headers = headersOf(await signWebhook(secret, LAUNCH, { id: "msg_a", nowSeconds: NOW }));
    expect(await authenticate(secret, headers, LAUNCH, guard, NOW)).toEqual({ ok: true });
    expect(await authenticate(secret, headers, LAUNCH, guard, NOW + 1)).toEqual({
      ok: false,
      message: 'webhook-id "msg_a" was already used: the request is a replay',
    });
  });
});
