/**
 * Uploads the compute logs the multiprocess executor captures (`<run dir>/compute-logs/<step>/
 * {stdout,stderr}.log`) to the control plane, `POST <control plane>/api/runs/<id>/compute-logs/<step>`
 * with the run token: every second while the run goes (so the run page can tail a running step),
 * and once more at the end. Each upload names its byte offset, so a retried one is harmless; a
 * failed one is tried again on the next tick. Chunks end on a line (or UTF-8 character) boundary
 * so each is valid text. The files stay on disk whatever happens: they are the record.
 *
 * How far each file is uploaded is kept beside it (`<stream>.log.uploaded`, written then renamed),
 * so when a run worker dies with logs not yet sent, the code location server's sweeper picks up
 * exactly where it stopped (server/spool-sweeper.ts), as it does for unacknowledged events.
 */
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { type ComputeLogChunk, type ComputeLogStream, MAX_COMPUTE_LOG_CHUNK_BYTES } from "../../protocol";

export const COMPUTE_LOGS_DIR = "compute-logs";
const STREAMS: readonly ComputeLogStream[] = ["stdout", "stderr"];

export interface UploaderOptions {
  readonly runDir: string;
  /** The launch's events_url; the compute-log URL sits beside it. */
  readonly eventsUrl: string;
  readonly token: string;
  readonly intervalMs?: number;
  readonly fetch?: typeof fetch;
}

export class ComputeLogUploader {
  private readonly uploaded = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly options: UploaderOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs ?? 1000);
    this.timer.unref();
  }

  /** Stops the timer and uploads what is left, for at most `timeoutMs`. True when all of it went. */
  async stop(timeoutMs: number): Promise<boolean> {
    if (this.timer) clearInterval(this.timer);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await this.tick()) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  }

  /** One pass over every log file; true when everything on disk is uploaded. */
  async tick(): Promise<boolean> {
    if (this.running) await this.running;
    let done = true;
    const pass = (async () => {
      for (const { file, stepKey, stream } of listLogFiles(this.options.runDir)) {
        if (!(await this.uploadFile(stepKey, stream, file))) done = false;
      }
    })();
    this.running = pass;
    await pass;
    this.running = null;
    return done;
  }

  /** True when some log file on disk has bytes not yet uploaded. */
  hasPending(): boolean {
    return listLogFiles(this.options.runDir).some(
      ({ file, stepKey, stream }) =>
        statSync(file).size > (this.uploaded.get(`${stepKey}\0${stream}`) ?? readUploadedOffset(file)),
    );
  }

  private markUploaded(key: string, file: string, offset: number): void {
    this.uploaded.set(key, offset);
    writeFileSync(`${file}${UPLOADED_SUFFIX}.tmp`, String(offset));
    renameSync(`${file}${UPLOADED_SUFFIX}.tmp`, `${file}${UPLOADED_SUFFIX}`);
  }

  private async uploadFile(stepKey: string, stream: ComputeLogStream, file: string): Promise<boolean> {
    const key = `${stepKey}\0${stream}`;
    for (;;) {
      const offset = this.uploaded.get(key) ?? readUploadedOffset(file);
      const size = statSync(file).size;
      if (size <= offset) return true;
      const bytes = readRange(file, offset, Math.min(size - offset, MAX_COMPUTE_LOG_CHUNK_BYTES / 2));
      const cut = textBoundary(bytes, offset + bytes.length === size);
      if (cut === 0) return true; // half a character so far; the rest comes
      const chunk: ComputeLogChunk = { stream, offset, data: new TextDecoder().decode(bytes.subarray(0, cut)) };
      const url = this.options.eventsUrl.replace(/\/events$/, `/compute-logs/${encodeURIComponent(stepKey)}`);
      try {
        const res = await (this.options.fetch ?? fetch)(url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${this.options.token}` },
          body: JSON.stringify(chunk),
          signal: AbortSignal.timeout(10_000),
        });
        await res.text();
        if (res.status === 408 || res.status === 429 || res.status >= 500) {
          console.error(`flightdeck: compute log upload for step ${stepKey} answered ${res.status}; will retry`);
          return false;
        }
        if (!res.ok) {
          // Like the event sender: any other 4xx will not get better by retrying; the file stays on disk.
          console.error(`flightdeck: compute log upload for step ${stepKey} refused (${res.status}); not retrying`);
          this.markUploaded(key, file, size);
          return true;
        }
      } catch (error) {
        console.error(`flightdeck: compute log upload for step ${stepKey} failed: ${String(error)}; will retry`);
        return false;
      }
      this.markUploaded(key, file, offset + cut);
    }
  }
}

const UPLOADED_SUFFIX = ".uploaded";

function readUploadedOffset(file: string): number {
  const path = `${file}${UPLOADED_SUFFIX}`;
  if (!existsSync(path)) return 0;
  const offset = Number.parseInt(readFileSync(path, "utf8"), 10);
  return Number.isFinite(offset) && offset >= 0 ? offset : 0;
}

type LogFile = { file: string; stepKey: string; stream: ComputeLogStream };

function listLogFiles(runDir: string): LogFile[] {
  const root = join(runDir, COMPUTE_LOGS_DIR);
  if (!existsSync(root)) return [];
  const files: LogFile[] = [];
  for (const stepDir of readdirSync(root)) {
    for (const stream of STREAMS) {
      const file = join(root, stepDir, `${stream}.log`);
      if (existsSync(file)) files.push({ file, stepKey: decodeURIComponent(stepDir), stream });
    }
  }
  return files;
}

function readRange(file: string, offset: number, length: number): Buffer {
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.alloc(length);
    const read = readSync(fd, buffer, 0, length, offset);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** Where to cut so the chunk is whole text: after the last newline, else before a split character. */
export function textBoundary(bytes: Uint8Array, atEnd: boolean): number {
  const newline = bytes.lastIndexOf(0x0a);
  if (newline >= 0 && !atEnd) return newline + 1;
  let cut = bytes.length;
  // Back off UTF-8 continuation bytes and the lead byte of an incomplete character.
  let i = cut - 1;
  while (i >= 0 && i > cut - 4 && ((bytes[i] ?? 0) & 0xc0) === 0x80) i--;
  if (i >= 0) {
    const lead = bytes[i] ?? 0;
    const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    if (cut - i < need) cut = i;
  }
  return cut;
}
