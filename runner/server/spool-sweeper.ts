/**
 * Delivers what run workers left undelivered: for every run dir whose run worker is gone, the
 * events after the spool's acked marker go to the run's events_url with its run token, retried
 * with backoff while this server lives, and so do the compute logs past their uploaded marker. Runs on start, when a run worker exits, and every
 * SWEEP_INTERVAL_MS (for run workers that outlived a previous server). Dagster has no
 * counterpart: its run workers write to the instance's database directly.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { LaunchRequestSchema } from "../../protocol";
import { createBatchPoster, type PostBatch } from "../events/post-batch";
import { EventSender, type SenderClock } from "../events/sender";
import { SPOOL_ACKED_FILE, Spool } from "../events/spool";
import { ComputeLogUploader } from "../executors/compute-log-uploader";
import { EXIT_FILE, LAUNCH_FILE, runsRoot } from "../run-files";
import { type RunWorkerExit, reportCrashIfUnfinished } from "./crash-report";
import { readDirHealth } from "./worker-record";

export const SWEEP_INTERVAL_MS = 30_000;
const COMPUTE_LOG_SWEEP_MS = 60_000;

export interface SweeperOptions {
  readonly dataDir: string;
  /** True while this server's own run worker for the dir is alive. */
  readonly isRunning: (dir: string) => boolean;
  readonly clock?: SenderClock;
  readonly createPoster?: (url: string, token: string) => PostBatch;
  /** For the compute-log uploads; the global fetch by default. */
  readonly fetch?: typeof fetch;
}

export class SpoolSweeper {
  private readonly active = new Map<string, EventSender>();
  /** Compute-log uploads in flight, by run dir: event delivery waits for them. */
  private readonly uploading = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: SweeperOptions) {}

  start(): void {
    this.sweepAll();
    this.timer = setInterval(() => this.sweepAll(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  sweepAll(): void {
    const root = runsRoot(this.options.dataDir);
    if (!existsSync(root)) return;
    for (const run of readdirSync(root)) {
      for (const attempt of readdirSync(join(root, run))) this.sweep(join(root, run, attempt));
    }
  }

  /**
   * Starts delivering one run dir's leftovers unless its run worker still owns the spool. A run
   * worker that is gone without ending its run gets the ending written for it first
   * (crash-report.ts); `exit` says how it went when this server saw it go.
   */
  sweep(dir: string, exit?: RunWorkerExit): void {
    if (this.active.has(dir) || this.options.isRunning(dir)) return;
    if (readDirHealth(dir).state === "running") return;
    reportCrashIfUnfinished(dir, exit ?? { code: null, signal: null, terminating: false });
    const launch = LaunchRequestSchema.safeParse(readJsonFile(join(dir, LAUNCH_FILE)));
    if (!launch.success) return;
    // The compute logs first, then the events: once the run's ending event is stored, the control
    // plane refuses every write with its run token, uploads included.
    void this.#sweepComputeLogs(dir, launch.data.events_url, launch.data.run_token)
      .then(() => this.#deliverEvents(dir, launch.data.events_url, launch.data.run_token))
      // The run dir can go while a sweep works in it (its retention ended, the server stopping):
      // that sweep is over, and the next one finds what is left, if anything.
      .catch((error: unknown) => console.error(`flightdeck: sweeping ${dir} stopped: ${String(error)}`));
  }

  #deliverEvents(dir: string, url: string, token: string): void {
    if (this.active.has(dir)) return;
    if (!Spool.exists(dir) || isFullyDelivered(dir)) return;
    const spool = Spool.open(dir);
    const contents = spool.read();
    const leftovers = contents.events.filter((event) => event.seq > contents.ackedThrough);
    if (leftovers.length === 0) return;
    const sender = new EventSender({
      post: (this.options.createPoster ?? defaultPoster)(url, token),
      ackedThrough: contents.ackedThrough,
      onDelivered: (seq) => spool.markAcked(seq),
      log: (message) => console.error(message),
      ...(this.options.clock ? { clock: this.options.clock } : {}),
    });
    this.active.set(dir, sender);
    for (const event of leftovers) sender.enqueue(event);
    void sender.flush(Number.POSITIVE_INFINITY).then(async () => {
      await sender.stop();
      this.active.delete(dir);
    });
  }

  /** Compute logs the run worker had not uploaded when it exited: sent from where it stopped. */
  #sweepComputeLogs(dir: string, eventsUrl: string, token: string): Promise<void> {
    const inFlight = this.uploading.get(dir);
    if (inFlight) return inFlight;
    const uploader = new ComputeLogUploader({
      runDir: dir,
      eventsUrl,
      token,
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
    });
    if (!uploader.hasPending()) return Promise.resolve();
    // What is still unsent after a minute waits for the next sweep (every 30 s), not a busy loop.
    const upload = uploader
      .stop(COMPUTE_LOG_SWEEP_MS)
      .then(() => undefined)
      .finally(() => this.uploading.delete(dir));
    this.uploading.set(dir, upload);
    return upload;
  }

  /** Dirs being delivered right now. */
  get delivering(): string[] {
    return [...this.active.keys()];
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await Promise.all([...this.active.values()].map((sender) => sender.stop()));
    this.active.clear();
  }
}

/** Cheap check that skips reading the spool of a run that ended with everything delivered. */
function isFullyDelivered(dir: string): boolean {
  const exit = readJsonFile(join(dir, EXIT_FILE)) as { last_seq?: unknown } | null;
  if (typeof exit?.last_seq !== "number") return false;
  const acked = Number.parseInt(readTextFile(join(dir, SPOOL_ACKED_FILE)) ?? "", 10);
  return Number.isFinite(acked) && acked >= exit.last_seq;
}

function readTextFile(path: string): string | null {
  return existsSync(path) ? readFileSync(path, "utf8") : null;
}

function defaultPoster(url: string, token: string): PostBatch {
  return createBatchPoster({ url, token });
}

function readJsonFile(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    // No readable launch request: not a run dir this server can deliver for.
    return null;
  }
}
