/**
 * The on-disk spool of one run attempt's events: `events.jsonl` (every event, appended before it
 * is sent) and `acked` (the highest seq the control plane has). Dagster keeps the event log in
 * the instance's storage; ours lives in the control plane, so the spool is what survives an
 * outage or a crash until the events are delivered — by the run worker, or later by the code
 * location server's sweeper. Writes are synchronous appends (no fsync: a process crash loses
 * nothing, a machine crash may lose the tail).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type RunWorkerEvent, RunWorkerEventSchema } from "../../protocol";

export const SPOOL_EVENTS_FILE = "events.jsonl";
export const SPOOL_ACKED_FILE = "acked";

export interface SpoolContents {
  readonly events: RunWorkerEvent[];
  readonly ackedThrough: number;
  /** Lines that did not parse: a line torn by a crash mid-write, or foreign content. */
  readonly badLines: number;
}

/** Reads the spool's two files' text. Pure. */
export function parseSpool(eventsText: string, ackedText: string | null): SpoolContents {
  const events: RunWorkerEvent[] = [];
  let badLines = 0;
  for (const line of eventsText.split("\n")) {
    if (line.trim() === "") continue;
    const parsed = RunWorkerEventSchema.safeParse(parseJsonLine(line));
    if (parsed.success) events.push(parsed.data);
    else badLines++;
  }
  const acked = Number.parseInt(ackedText?.trim() ?? "", 10);
  return { events, ackedThrough: Number.isFinite(acked) && acked > 0 ? acked : 0, badLines };
}

function parseJsonLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    // A torn line: counted as bad by the caller's schema check.
    return undefined;
  }
}

export class Spool {
  private constructor(readonly dir: string) {}

  /** Opens (creating if needed) the spool in `dir`. */
  static open(dir: string): Spool {
    mkdirSync(dir, { recursive: true });
    const eventsPath = join(dir, SPOOL_EVENTS_FILE);
    // A line torn by a crash would glue onto the next event; end it first so only it is lost.
    const existing = existsSync(eventsPath) ? readFileSync(eventsPath, "utf8") : "";
    if (existing !== "" && !existing.endsWith("\n")) appendFileSync(eventsPath, "\n");
    return new Spool(dir);
  }

  static exists(dir: string): boolean {
    return existsSync(join(dir, SPOOL_EVENTS_FILE));
  }

  read(): SpoolContents {
    const eventsPath = join(this.dir, SPOOL_EVENTS_FILE);
    const ackedPath = join(this.dir, SPOOL_ACKED_FILE);
    const eventsText = existsSync(eventsPath) ? readFileSync(eventsPath, "utf8") : "";
    const ackedText = existsSync(ackedPath) ? readFileSync(ackedPath, "utf8") : null;
    return parseSpool(eventsText, ackedText);
  }

  append(event: RunWorkerEvent): void {
    appendFileSync(join(this.dir, SPOOL_EVENTS_FILE), `${JSON.stringify(event)}\n`);
  }

  /** Records that every seq up to `seq` is delivered; atomic (write, then rename). */
  markAcked(seq: number): void {
    const tmp = join(this.dir, `${SPOOL_ACKED_FILE}.tmp`);
    writeFileSync(tmp, `${seq}\n`);
    renameSync(tmp, join(this.dir, SPOOL_ACKED_FILE));
  }
}
