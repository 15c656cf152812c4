/**
 * Standby run workers: each is a new `node <bundle>.mjs --standby` process, started before any
 * launch, that has already loaded the bundle, the user's module and the HTTP client, and waits on
 * stdin for the path of a launch request. A launch takes one and a replacement starts at once, so
 * every run still gets its own fresh process (Dagster's DefaultRunLauncher) but not its start-up
 * time (~150-300 ms here), which would otherwise dominate a short run's latency. A standby process
 * never runs more than one run; when the server goes away its stdin closes and it exits.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { LIFELINE_ENV } from "../lifeline";
import { STDERR_FILE, STDOUT_FILE } from "../run-files";

export const STANDBY_FLAG = "--standby";

interface Spare {
  readonly child: ChildProcess;
  readonly dir: string;
  alive: boolean;
}

export interface SpawnSettings {
  readonly bundlePath: string;
  readonly env: NodeJS.ProcessEnv;
  /** Started by an agent: stdin stays open as the run worker's lifeline (lifeline.ts). */
  readonly lifeline?: boolean;
}

/** Starts a run worker process in its own process group, its output going to `logDir`. */
export function spawnRunWorker(
  settings: SpawnSettings,
  logDir: string,
  args: string[],
  stdin: "ignore" | "pipe",
): ChildProcess {
  const lifeline = settings.lifeline === true;
  mkdirSync(logDir, { recursive: true });
  const stdout = openSync(join(logDir, STDOUT_FILE), "a");
  const stderr = openSync(join(logDir, STDERR_FILE), "a");
  try {
    return spawn(process.execPath, ["--enable-source-maps", settings.bundlePath, ...args], {
      detached: true,
      stdio: [lifeline ? "pipe" : stdin, stdout, stderr],
      env: lifeline ? { ...settings.env, [LIFELINE_ENV]: "1" } : settings.env,
    });
  } finally {
    closeSync(stdout);
    closeSync(stderr);
  }
}

export class StandbyWorkers {
  private readonly spares: Spare[] = [];
  private counter = 0;
  private closed = false;

  constructor(
    private readonly settings: SpawnSettings,
    private readonly dataDir: string,
    private readonly count: number,
  ) {}

  fill(): void {
    while (!this.closed && this.spares.filter((s) => s.alive).length < this.count) this.spawnSpare();
  }

  /**
   * Hands a standby process the launch request at `launchFile` and moves its compute logs into
   * `runDir` (same file system: the open files follow). Null when none is alive; then the caller
   * starts a process itself.
   */
  take(launchFile: string, runDir: string): ChildProcess | null {
    const index = this.spares.findIndex((s) => s.alive && s.child.exitCode === null && s.child.signalCode === null);
    const spare = this.spares[index];
    if (!spare) {
      this.fill();
      return null;
    }
    this.spares.splice(index, 1);
    for (const file of [STDOUT_FILE, STDERR_FILE]) renameSync(join(spare.dir, file), join(runDir, file));
    rmSync(spare.dir, { recursive: true, force: true });
    if (this.settings.lifeline) spare.child.stdin?.write(`${launchFile}\n`);
    else spare.child.stdin?.end(`${launchFile}\n`);
    this.fill();
    return spare.child;
  }

  /** Stops the idle spares (they hold no run). */
  close(): void {
    this.closed = true;
    for (const spare of this.spares.splice(0)) {
      spare.child.stdin?.end();
      rmSync(spare.dir, { recursive: true, force: true });
    }
  }

  private spawnSpare(): void {
    const dir = join(this.dataDir, "standby", `${process.pid}-${++this.counter}`);
    const child = spawnRunWorker(this.settings, dir, [STANDBY_FLAG], "pipe");
    const spare: Spare = { child, dir, alive: true };
    // A spare that dies idle is not replaced until the next launch, so a broken bundle cannot spin.
    child.once("exit", () => {
      spare.alive = false;
    });
    child.stdin?.on("error", () => {
      spare.alive = false;
    });
    this.spares.push(spare);
  }
}
