/**
 * Starts and stops run workers: Dagster's DefaultRunLauncher, one new process per run attempt.
 * Each run worker is detached in its own process group so terminating a run reaches whatever its
 * ops started; termination is SIGTERM to the group, then SIGKILL after the grace period.
 * A launch is idempotent on (run_id, attempt), in memory and on disk (the run dir's launch file),
 * so a repeated launch — even after a server restart — starts nothing.
 */
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { LaunchRequest, RunWorkerHealth } from "../../protocol";
import { LAUNCH_FILE, runAttemptDir } from "../run-files";
import type { RunWorkerExit } from "./crash-report";
import { type SpawnSettings, StandbyWorkers, spawnRunWorker } from "./standby";
import type { PoolSizeSettings } from "./standby-pool-size";
import { readLivePid, readRecordedHealth, WORKER_FILE } from "./worker-record";

interface TrackedWorker {
  readonly runId: string;
  readonly attempt: number;
  readonly dir: string;
  readonly handle: string;
  readonly child: ChildProcess;
  health: RunWorkerHealth;
  killTimer: NodeJS.Timeout | null;
  terminating: boolean;
  readonly exited: Promise<void>;
}

export interface LauncherOptions {
  readonly dataDir: string;
  readonly bundlePath: string;
  readonly terminateGraceMs: number;
  /** Environment variables a run worker must not inherit (the webhook secret). */
  readonly withheldEnv: readonly string[];
  /**
   * How many started run workers wait for the next launches (standby.ts): at least `min`, up to
   * `max` while launches come closer together than a standby's boot time (standby-pool-size.ts).
   * Both 0 starts each run worker on launch.
   */
  readonly standby: PoolSizeSettings;
  /** Run workers die with this process (an agent's; lifeline.ts). */
  readonly lifeline?: boolean;
  /** Called when a launched run worker exits, with how (crash-report.ts turns a crash into the run's end). */
  readonly onExit?: (dir: string, exit: RunWorkerExit) => void;
}

export class RunWorkerProcesses {
  private readonly workers = new Map<string, TrackedWorker>();
  private readonly latestAttempt = new Map<string, TrackedWorker>();
  private readonly spawnSettings: SpawnSettings;
  private readonly standby: StandbyWorkers;

  constructor(private readonly options: LauncherOptions) {
    const env = { ...process.env };
    for (const name of options.withheldEnv) delete env[name];
    this.spawnSettings = { bundlePath: options.bundlePath, env, lifeline: options.lifeline === true };
    this.standby = new StandbyWorkers(this.spawnSettings, options.dataDir, options.standby);
    this.standby.fill();
  }

  /** Starts the run worker for this attempt, or returns the handle of the one already started. */
  launch(request: LaunchRequest): { handle: string; spawned: boolean } {
    const key = `${request.run_id}#${request.attempt}`;
    const known = this.workers.get(key);
    if (known) return { handle: known.handle, spawned: false };
    const dir = runAttemptDir(this.options.dataDir, request.run_id, request.attempt);
    const launchFile = join(dir, LAUNCH_FILE);
    if (existsSync(launchFile)) return { handle: this.recordedHandle(dir), spawned: false };

    mkdirSync(dir, { recursive: true });
    // The launch request holds the run token: readable by this user only.
    writeFileSync(launchFile, JSON.stringify(request), { mode: 0o600 });
    const spare = this.standby.take(launchFile, dir);
    const child = spare?.child ?? spawnRunWorker(this.spawnSettings, dir, [launchFile], "ignore");
    const handle = `local:${child.pid ?? "unknown"}:${request.run_id}:${request.attempt}`;
    // `standby` says how the launch was served: a warm spare, one still booting, or a new process.
    const standby = spare ? (spare.ready ? "ready" : "booting") : "none";
    writeFileSync(
      join(dir, WORKER_FILE),
      JSON.stringify({ pid: child.pid ?? null, handle, started_at: Date.now(), standby }),
    );
    const worker: TrackedWorker = {
      runId: request.run_id,
      attempt: request.attempt,
      dir,
      handle,
      child,
      health: { state: "running", exit_code: null, signal: null },
      killTimer: null,
      terminating: false,
      exited: new Promise((resolve) => child.once("close", () => resolve())),
    };
    child.once("error", (error) => {
      console.error(`flightdeck: could not start the run worker for run ${request.run_id}: ${error.message}`);
      worker.health = { state: "exited", exit_code: null, signal: null };
    });
    child.once("exit", (code, signal) => this.onExit(worker, code, signal));
    this.workers.set(key, worker);
    this.latestAttempt.set(request.run_id, worker);
    return { handle, spawned: true };
  }

  health(runId: string): RunWorkerHealth {
    const worker = this.latestAttempt.get(runId);
    if (worker) return { ...worker.health };
    return readRecordedHealth(this.options.dataDir, runId);
  }

  /** SIGTERM to the run worker's process group now, SIGKILL after the grace period. False if unknown. */
  terminate(runId: string): boolean {
    const worker = this.latestAttempt.get(runId);
    if (!worker) return this.terminateRecorded(runId);
    if (worker.health.state !== "running" || worker.terminating) return true;
    worker.terminating = true;
    signalGroup(worker.child, "SIGTERM");
    worker.killTimer = setTimeout(() => signalGroup(worker.child, "SIGKILL"), this.options.terminateGraceMs);
    return true;
  }

  /** True while this server's run worker for that run dir is alive. */
  isRunning(dir: string): boolean {
    return [...this.workers.values()].some((w) => w.dir === dir && w.health.state === "running");
  }

  /** The run ids whose run worker is running. */
  running(): string[] {
    return [...this.workers.values()].filter((w) => w.health.state === "running").map((w) => w.runId);
  }

  /** Terminates every running run worker and waits until they are gone. */
  async shutdown(): Promise<void> {
    this.standby.close();
    const running = [...this.workers.values()].filter((w) => w.health.state === "running");
    for (const worker of running) this.terminate(worker.runId);
    await Promise.all(running.map((w) => w.exited));
  }

  private onExit(worker: TrackedWorker, code: number | null, signal: NodeJS.Signals | null): void {
    worker.health = { state: "exited", exit_code: code, signal };
    if (worker.killTimer) clearTimeout(worker.killTimer);
    // Whatever the run's ops left behind in its group goes with it.
    if (worker.terminating) signalGroup(worker.child, "SIGKILL");
    this.options.onExit?.(worker.dir, { code, signal, terminating: worker.terminating });
  }

  /** A run worker started before this server restarted: signal its group by the recorded pid. */
  private terminateRecorded(runId: string): boolean {
    const pid = readLivePid(this.options.dataDir, runId);
    if (pid === null) return readRecordedHealth(this.options.dataDir, runId).state !== "unknown";
    signalGroup(pid, "SIGTERM");
    setTimeout(() => signalGroup(pid, "SIGKILL"), this.options.terminateGraceMs).unref();
    return true;
  }

  private recordedHandle(dir: string): string {
    try {
      const record = JSON.parse(readFileSync(join(dir, WORKER_FILE), "utf8")) as { handle?: unknown };
      if (typeof record.handle === "string") return record.handle;
    } catch (error) {
      console.error(`flightdeck: cannot read ${join(dir, WORKER_FILE)}: ${String(error)}`);
    }
    return `local:unknown:${dir}`;
  }
}

function signalGroup(target: ChildProcess | number, signal: NodeJS.Signals): void {
  const pid = typeof target === "number" ? target : target.pid;
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch (error) {
    // ESRCH: the group is already gone, which is what we wanted.
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}
