/**
 * Run monitoring's push half (DESIGN.md §6; Dagster notices the same only by polling, in minutes):
 * when a run worker process is gone without having reported how its run ended — SIGKILL, the OOM
 * killer, a crash of Node itself — the code location server writes the ending in its place. It
 * appends to the run attempt's spool, with the next seqs, an ENGINE_EVENT (ERROR: exit code or
 * signal) and a RUN_FAILURE carrying `failure_reason: RUN_WORKER_CRASHED` (RUN_CANCELED instead
 * when the server was terminating the run and had to kill it), then records `exit.json`; the
 * spool sweeper delivers them like any leftover events, so the run fails within a second.
 *
 * Idempotent: a spool that already ends the run, or a dir with `exit.json`, is left alone.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunWorkerEvent, RunWorkerExitData } from "../../protocol";
import { Spool } from "../events/spool";
import { EXIT_FILE, LAUNCH_FILE } from "../run-files";

export interface RunWorkerExit {
  readonly code: number | null;
  readonly signal: string | null;
  /** True when this server was terminating the run (SIGTERM, then SIGKILL after the grace). */
  readonly terminating: boolean;
}

const RUN_ENDINGS = new Set<RunWorkerEvent["type"]>(["RUN_SUCCESS", "RUN_FAILURE", "RUN_CANCELED"]);

/** The events that end a run whose worker died; pure. `lastSeq` is the spool's highest seq. */
export function crashEvents(exit: RunWorkerExit, lastSeq: number, now: number): RunWorkerEvent[] {
  const how = exit.signal
    ? `was killed by ${exit.signal}`
    : exit.code === null
      ? "exited without an exit code or a signal"
      : `exited with code ${exit.code}`;
  const data: RunWorkerExitData = { failure_reason: "RUN_WORKER_CRASHED", exit_code: exit.code, signal: exit.signal };
  if (exit.terminating) {
    const message = `The run worker ${how} while being terminated, before it reported the run canceled.`;
    return [
      { seq: lastSeq + 1, type: "ENGINE_EVENT", ts: now, level: "WARNING", message, data: { ...data } },
      { seq: lastSeq + 2, type: "RUN_CANCELED", ts: now, level: "WARNING", message },
    ];
  }
  const message = `The run worker process ${how} without reporting how the run ended.`;
  return [
    { seq: lastSeq + 1, type: "ENGINE_EVENT", ts: now, level: "ERROR", message, data: { ...data } },
    {
      seq: lastSeq + 2,
      type: "RUN_FAILURE",
      ts: now,
      level: "ERROR",
      message,
      data: { failure_reason: "RUN_WORKER_CRASHED", error: { name: "RunWorkerCrashed", message } },
    },
  ];
}

/**
 * Writes the crash ending into a dead run worker's dir when its run has none. The caller must
 * know the process is gone. Returns true when it wrote something.
 */
export function reportCrashIfUnfinished(dir: string, exit: RunWorkerExit, now = Date.now()): boolean {
  if (existsSync(join(dir, EXIT_FILE)) || !existsSync(join(dir, LAUNCH_FILE))) return false;
  const spool = Spool.open(dir);
  const { events } = spool.read();
  if (events.some((event) => RUN_ENDINGS.has(event.type))) return false;
  const lastSeq = events.reduce((max, event) => Math.max(max, event.seq), 0);
  const ending = crashEvents(exit, lastSeq, now);
  for (const event of ending) spool.append(event);
  writeFileSync(
    join(dir, EXIT_FILE),
    JSON.stringify({ exit_code: exit.code, signal: exit.signal, last_seq: lastSeq + ending.length, crashed: true }),
  );
  return true;
}
