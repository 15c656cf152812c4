/**
 * What the run dir on disk says about a run worker, for runs this server process did not start
 * (it was restarted since): `worker.json` written at launch, `exit.json` written by the run worker
 * as it ends. Dagster's run monitoring asks the launcher the same question (check_run_worker_health).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { RunWorkerHealth } from "../../protocol";
import { EXIT_FILE, runAttemptDir, runsRoot } from "../run-files";

export const WORKER_FILE = "worker.json";

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means it exists but belongs to someone else: alive, and not ours (pid reuse).
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readJson(path: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(readFileSync(path, "utf8"));
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    // Missing or half-written: the caller treats it as "no record".
    return null;
  }
}

/** Health from the files of one run attempt dir. */
export function readDirHealth(dir: string): RunWorkerHealth {
  const exit = readJson(join(dir, EXIT_FILE));
  if (exit && typeof exit.exit_code === "number") return { state: "exited", exit_code: exit.exit_code, signal: null };
  const worker = readJson(join(dir, WORKER_FILE));
  if (worker && typeof worker.pid === "number" && isProcessAlive(worker.pid)) {
    return { state: "running", exit_code: null, signal: null };
  }
  // A pid that is gone without an exit record: killed, or the machine restarted. We cannot tell how.
  return { state: worker ? "exited" : "unknown", exit_code: null, signal: null };
}

/** Health of a run's latest attempt on disk; "unknown" when this server never launched it. */
export function readRecordedHealth(dataDir: string, runId: string): RunWorkerHealth {
  const attempts = listAttempts(dataDir, runId);
  const latest = attempts[attempts.length - 1];
  if (latest === undefined) return { state: "unknown", exit_code: null, signal: null };
  return readDirHealth(runAttemptDir(dataDir, runId, latest));
}

/** The pid of a run's latest attempt when it is still alive: a run worker started before a restart. */
export function readLivePid(dataDir: string, runId: string): number | null {
  const latest = listAttempts(dataDir, runId).at(-1);
  if (latest === undefined) return null;
  const worker = readJson(join(runAttemptDir(dataDir, runId, latest), WORKER_FILE));
  const pid = worker?.pid;
  return typeof pid === "number" && readDirHealth(runAttemptDir(dataDir, runId, latest)).state === "running"
    ? pid
    : null;
}

function listAttempts(dataDir: string, runId: string): number[] {
  const dir = join(runsRoot(dataDir), encodeURIComponent(runId));
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0)
    .sort((a, b) => a - b);
}
