import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { Spool } from "../events/spool";
import { EXIT_FILE, LAUNCH_FILE } from "../run-files";
import { crashEvents, reportCrashIfUnfinished } from "./crash-report";

/** A fresh run dir, removed when the test ends. */
function emptyRunDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "flightdeck-crash-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function runDir(events: { seq: number; type: string }[]): string {
  const dir = emptyRunDir();
  writeFileSync(join(dir, LAUNCH_FILE), "{}");
  const spool = Spool.open(dir);
  for (const e of events) spool.append({ seq: e.seq, type: e.type as "RUN_START", ts: 1 });
  return dir;
}
const KILLED = { code: null, signal: "SIGKILL", terminating: false };

describe("reportCrashIfUnfinished", () => {
  it("ends a run whose worker was killed mid-run: ENGINE_EVENT then RUN_FAILURE, with the next seqs", () => {
    const dir = runDir([
      { seq: 1, type: "RUN_START" },
      { seq: 2, type: "STEP_START" },
    ]);
    expect(reportCrashIfUnfinished(dir, KILLED, 99)).toBe(true);
    const events = Spool.open(dir).read().events;
    expect(events.slice(2).map((e) => [e.seq, e.type, e.level])).toEqual([
      [3, "ENGINE_EVENT", "ERROR"],
      [4, "RUN_FAILURE", "ERROR"],
    ]);
    expect(events[3]?.message).toContain("killed by SIGKILL");
    expect(events[3]?.data).toMatchObject({ failure_reason: "RUN_WORKER_CRASHED" });
    expect(JSON.parse(readFileSync(join(dir, EXIT_FILE), "utf8"))).toMatchObject({ last_seq: 4, signal: "SIGKILL" });
  });

  it("is idempotent: a second report writes nothing", () => {
    const dir = runDir([{ seq: 1, type: "RUN_START" }]);
    reportCrashIfUnfinished(dir, KILLED);
    expect(reportCrashIfUnfinished(dir, KILLED)).toBe(false);
    expect(Spool.open(dir).read().events).toHaveLength(3);
  });

  it("leaves a run that already ended alone, even without exit.json (killed while flushing)", () => {
    const dir = runDir([
      { seq: 1, type: "RUN_START" },
      { seq: 2, type: "RUN_SUCCESS" },
    ]);
    expect(reportCrashIfUnfinished(dir, KILLED)).toBe(false);
    expect(existsSync(join(dir, EXIT_FILE))).toBe(false);
  });

  it("ends a run killed before its first event, from seq 1", () => {
    const dir = emptyRunDir();
    writeFileSync(join(dir, LAUNCH_FILE), "{}");
    expect(reportCrashIfUnfinished(dir, { code: 137, signal: null, terminating: false })).toBe(true);
    expect(
      Spool.open(dir)
        .read()
        .events.map((e) => e.seq),
    ).toEqual([1, 2]);
  });
});

describe("crashEvents", () => {
  it("reports RUN_CANCELED for a run worker killed after the terminate grace period", () => {
    const events = crashEvents({ code: null, signal: "SIGKILL", terminating: true }, 7, 5);
    expect(events.map((e) => [e.seq, e.type])).toEqual([
      [8, "ENGINE_EVENT"],
      [9, "RUN_CANCELED"],
    ]);
  });

  it("names the exit code when there was no signal", () => {
    expect(crashEvents({ code: 3, signal: null, terminating: false }, 0, 5)[1]?.message).toContain(
      "exited with code 3",
    );
  });
});
