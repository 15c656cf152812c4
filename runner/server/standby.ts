/**
 * Standby run workers: each is a new `node <bundle>.mjs --standby` process, started before any
 * launch, that has already loaded the bundle, the user's module and the HTTP client, and waits on
 * stdin for the path of a launch request. A launch takes one and a replacement follows, so
 * every run still gets its own fresh process (Dagster's DefaultRunLauncher) but not its start-up
 * time (~150-300 ms here), which would otherwise dominate a short run's latency. A standby process
 * never runs more than one run; when the server goes away its stdin closes and it exits.
 *
 * A taken spare's replacement is held back until that run worker exits, or one boot time at the
 * latest. A boot is ~200 ms of CPU (Node, the bundle, the user's module); started with the launch,
 * it would compete with the very run it was started for, and with the control plane taking that
 * run's events: on 2 cores that makes a short run's submit → SUCCESS ~1.6× as long (`npm run
 * bench`). A launch that comes while a replacement is held takes another spare, or starts its own
 * process, as it would while the replacement booted.
 *
 * How many wait is decided by standby-pool-size.ts from the recent launches and the measured boot
 * time: each standby says "ready" on a pipe of its own (fd 3, READY_FD_ENV) once warm, so the pool
 * knows how long a replacement takes to be of use (its hold, then its boot). Launches closer
 * together than that grow the pool up to its ceiling; when they stop, the idle spares above the
 * floor are retired by ending their stdin, which a standby takes as "exit now".
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { LIFELINE_ENV } from "../lifeline";
import { STDERR_FILE, STDOUT_FILE } from "../run-files";
import {
  currentBootMs,
  decideStandbyPoolSize,
  INITIAL_BOOT_MS,
  nextBootEstimate,
  type PoolSizeSettings,
  replacementHoldMs,
} from "./standby-pool-size";

export const STANDBY_FLAG = "--standby";

/** Set for a standby: the fd on which it writes one line once warm (bundle-entry.ts). */
export const READY_FD_ENV = "FLIGHTDECK_READY_FD";
const READY_FD = 3;

interface Spare {
  readonly child: ChildProcess;
  readonly dir: string;
  readonly spawnedAt: number;
  alive: boolean;
  ready: boolean;
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
  readyPipe = false,
): ChildProcess {
  const lifeline = settings.lifeline === true;
  mkdirSync(logDir, { recursive: true });
  const stdout = openSync(join(logDir, STDOUT_FILE), "a");
  const stderr = openSync(join(logDir, STDERR_FILE), "a");
  const env = lifeline ? { ...settings.env, [LIFELINE_ENV]: "1" } : settings.env;
  try {
    return spawn(process.execPath, [settings.bundlePath, ...args], {
      detached: true,
      stdio: [lifeline ? "pipe" : stdin, stdout, stderr, ...(readyPipe ? (["pipe"] as const) : [])],
      env: readyPipe ? { ...env, [READY_FD_ENV]: String(READY_FD) } : env,
    });
  } finally {
    closeSync(stdout);
    closeSync(stderr);
  }
}

/** A spare handed a launch: `ready` says whether it had finished warming up when taken. */
export interface TakenSpare {
  readonly child: ChildProcess;
  readonly ready: boolean;
}

export class StandbyWorkers {
  private spares: Spare[] = [];
  private launches: number[] = [];
  /** Spares, idle or taken, that have not said ready yet. */
  private readonly booting = new Set<Spare>();
  private bootMs = INITIAL_BOOT_MS;
  private target: number;
  private recheck: NodeJS.Timeout | null = null;
  /** Replacements held back for runs just launched (hold()): the pool counts them as coming. */
  private held = 0;
  private counter = 0;
  private closed = false;

  constructor(
    private readonly settings: SpawnSettings,
    private readonly dataDir: string,
    private readonly pool: PoolSizeSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.target = pool.min;
  }

  /** Brings the pool to its target for now: starts spares, or retires idle ones above it. */
  fill(): void {
    if (this.closed) return;
    // Taken spares count too: one still warming up when its launch came is the clearest sign of a slow boot.
    const booting = [...this.booting].map((s) => s.spawnedAt);
    const bootMs = currentBootMs(this.bootMs, booting, this.now());
    const decision = decideStandbyPoolSize(this.launches, this.now(), bootMs, this.pool);
    this.target = decision.target;
    this.launches = this.launches.filter((t) => t > this.now() - this.pool.windowMs);
    this.spares = this.spares.filter((s) => s.alive);
    while (this.spares.length + this.held < this.target) this.spawnSpare();
    // The newest spares go first: they are the likeliest to be still booting.
    while (this.spares.length > this.target) this.retire(this.spares.pop());
    if (this.recheck) clearTimeout(this.recheck);
    this.recheck = null;
    if (decision.recheckAt !== null) {
      this.recheck = setTimeout(() => this.fill(), Math.max(0, decision.recheckAt - this.now()));
      this.recheck.unref();
    }
  }

  /**
   * Hands a standby process the launch request at `launchFile` and moves its compute logs into
   * `runDir` (same file system: the open files follow). The oldest spare goes first: it has had
   * the longest to warm up. Null when none is alive; then the caller starts a process itself.
   */
  take(launchFile: string, runDir: string): TakenSpare | null {
    this.launches.push(this.now());
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
    this.hold(spare.child);
    this.fill();
    return { child: spare.child, ready: spare.ready };
  }

  /** Counts `taken`'s replacement as coming, and lets fill() start it once `taken` exits, or after its hold (replacementHoldMs). */
  private hold(taken: ChildProcess): void {
    this.held++;
    let timer: NodeJS.Timeout | undefined;
    const release = () => {
      clearTimeout(timer);
      taken.off("exit", release);
      this.held--;
      this.fill();
    };
    timer = setTimeout(release, replacementHoldMs(this.bootMs));
    timer.unref();
    taken.once("exit", release);
  }

  /** Stops the idle spares (they hold no run). */
  close(): void {
    this.closed = true;
    if (this.recheck) clearTimeout(this.recheck);
    for (const spare of this.spares.splice(0)) this.retire(spare);
  }

  private retire(spare: Spare | undefined): void {
    if (!spare) return;
    spare.alive = false;
    spare.child.stdin?.end();
    rmSync(spare.dir, { recursive: true, force: true });
  }

  private spawnSpare(): void {
    const dir = join(this.dataDir, "standby", `${process.pid}-${++this.counter}`);
    const child = spawnRunWorker(this.settings, dir, [STANDBY_FLAG], "pipe", true);
    const spare: Spare = { child, dir, spawnedAt: this.now(), alive: true, ready: false };
    // A spare that dies idle is not replaced until the pool is next sized (a launch, or a launch
    // leaving the window), so a broken bundle cannot spin.
    const gone = () => {
      spare.alive = false;
      this.booting.delete(spare);
    };
    child.once("exit", gone);
    // A process that could not start at all (EAGAIN, ENOMEM) emits "error" and no "exit".
    child.once("error", gone);
    child.stdin?.on("error", () => {
      spare.alive = false;
    });
    const readyPipe = child.stdio[READY_FD] as Readable | null | undefined;
    readyPipe?.once("data", () => {
      spare.ready = true;
      this.booting.delete(spare);
      this.bootMs = nextBootEstimate(this.bootMs, this.now() - spare.spawnedAt);
    });
    // The pipe only carries that one line; losing it (the process died first) leaves the spare
    // not ready, which is all it means, and the exit handler above already marks it dead.
    readyPipe?.on("error", () => undefined);
    readyPipe?.resume();
    this.spares.push(spare);
    this.booting.add(spare);
  }
}
