import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RunWorkerEvent } from "../../protocol";
import { parseSpool, SPOOL_EVENTS_FILE, Spool } from "./spool";

const event = (seq: number): RunWorkerEvent => ({
  seq,
  type: "LOG",
  ts: 1000 + seq,
  level: "INFO",
  message: `m${seq}`,
});
const roots: string[] = [];
const fresh = () => {
  const root = mkdtempSync(join(tmpdir(), "flightdeck-spool-"));
  roots.push(root);
  return Spool.open(join(root, "run", "1"));
};
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe("Spool", () => {
  it("reads back every appended event in order, nothing acknowledged yet", () => {
    const spool = fresh();
    for (const seq of [1, 2, 3]) spool.append(event(seq));
    expect(spool.read()).toEqual({ events: [event(1), event(2), event(3)], ackedThrough: 0, badLines: 0 });
  });

  it("keeps the acknowledged seq across a reopen, as after a restart", () => {
    const spool = fresh();
    for (const seq of [1, 2, 3]) spool.append(event(seq));
    spool.markAcked(2);
    const reopened = Spool.open(spool.dir).read();
    expect(reopened.ackedThrough).toBe(2);
    expect(reopened.events.filter((e) => e.seq > reopened.ackedThrough)).toEqual([event(3)]);
  });

  it("loses only a line torn by a crash, and appends after it cleanly", () => {
    const spool = fresh();
    spool.append(event(1));
    appendFileSync(join(spool.dir, SPOOL_EVENTS_FILE), '{"seq":2,"ty');
    const reopened = Spool.open(spool.dir);
    reopened.append(event(3));
    expect(reopened.read()).toEqual({ events: [event(1), event(3)], ackedThrough: 0, badLines: 1 });
    expect(readFileSync(join(spool.dir, SPOOL_EVENTS_FILE), "utf8").split("\n")).toHaveLength(4);
  });
});

describe("parseSpool", () => {
  const cases: { name: string; events: string; acked: string | null; ackedThrough: number }[] = [
    { name: "treats a missing acked marker as nothing acknowledged", events: "", acked: null, ackedThrough: 0 },
    { name: "reads the acked marker", events: "", acked: "7\n", ackedThrough: 7 },
    {
      name: "treats a garbled acked marker as nothing acknowledged (resending is harmless)",
      events: "",
      acked: "x",
      ackedThrough: 0,
    },
  ];
  for (const { name, events, acked, ackedThrough } of cases) {
    it(name, () => {
      expect(parseSpool(events, acked).ackedThrough).toBe(ackedThrough);
    });
  }
});
