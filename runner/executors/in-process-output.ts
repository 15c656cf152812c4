/**
 * Compute logs of the in-process executor: while a step runs in the run worker itself, whatever
 * the process writes to stdout and stderr (`console.log`, `process.stderr.write`, a library's
 * output) is also appended to `<run dir>/compute-logs/<step>/{stdout,stderr}.log` — the files
 * the multiprocess executor fills from its step processes, which ComputeLogUploader sends to the
 * control plane. The in-process executor runs one step at a time, so what is written while a
 * step runs is that step's; output a step's stray callbacks print after it ended lands in the
 * next step's log, or in none, which is the price of sharing a process. Writes still reach the
 * real streams.
 */
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { COMPUTE_LOGS_DIR } from "./compute-log-uploader";

type Write = typeof process.stdout.write;

/** Starts capturing; the returned function stops it and restores the streams. Without a run dir, captures nothing. */
export function captureStepOutput(runDir: string | undefined, stepKey: string): () => void {
  if (!runDir) return () => {};
  const dir = join(runDir, COMPUTE_LOGS_DIR, encodeURIComponent(stepKey));
  mkdirSync(dir, { recursive: true });
  const restores = [
    tee(process.stdout, openSync(join(dir, "stdout.log"), "a")),
    tee(process.stderr, openSync(join(dir, "stderr.log"), "a")),
  ];
  return () => {
    for (const restore of restores) restore();
  };
}

function tee(stream: NodeJS.WriteStream, fd: number): () => void {
  const original = stream.write;
  const write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
    try {
      const encoding = typeof rest[0] === "string" ? (rest[0] as BufferEncoding) : "utf8";
      writeSync(fd, typeof chunk === "string" ? Buffer.from(chunk, encoding) : (chunk as Uint8Array));
    } catch (error) {
      // A full disk must not fail the step: the line still reaches the real stream.
      original.call(stream, `flightdeck: could not capture step output: ${String(error)}\n`);
    }
    return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as Write;
  stream.write = write;
  return () => {
    if (stream.write === write) stream.write = original;
    closeSync(fd);
  };
}
