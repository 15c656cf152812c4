/**
 * IO managers: how an output of one step reaches the steps downstream (Dagster's IOManager,
 * `handle_output` / `load_input`). The default is Dagster's `fs_io_manager`: every output is a file
 * under the run worker's storage dir, `<storage>/<run_id>/<step_key>/<output>`, written with
 * Node's structured-clone serializer (v8), so a step in another process — or a re-execution, which
 * reads the outputs of the steps it skips from its parent run — can load it. A re-execution also
 * records its parent (`<storage>/<run_id>/parent`), so a load follows the chain of parents back to
 * the run that produced the output.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { deserialize, serialize } from "node:v8";

/** One output of one step of one run. */
export interface OutputRef {
  readonly runId: string;
  readonly stepKey: string;
  readonly output: string;
}

export interface IoManager {
  handleOutput(ref: OutputRef, value: unknown): void | Promise<void>;
  /** The value stored for `ref`, following `ref.runId`'s parents when it is not there. */
  loadInput(ref: OutputRef): unknown | Promise<unknown>;
  /** Called once per run before any step: a re-execution names the run whose outputs it reuses. */
  recordParent?(runId: string, parentRunId: string): void | Promise<void>;
}

const PARENT_FILE = "parent";
/** A re-execution chain longer than this is a loop in the files, not a real lineage. */
const MAX_LINEAGE_DEPTH = 100;

/** Run ids and step keys are opaque strings: one safe path segment each. */
const segment = (s: string) => encodeURIComponent(s);

export class FsIoManager implements IoManager {
  constructor(readonly storageDir: string) {}

  pathOf(ref: OutputRef): string {
    return join(this.storageDir, segment(ref.runId), segment(ref.stepKey), segment(ref.output));
  }

  handleOutput(ref: OutputRef, value: unknown): void {
    const path = this.pathOf(ref);
    mkdirSync(dirname(path), { recursive: true });
    // Write then rename: a reader never sees half a file, even if this process is killed.
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, serialize(value));
    renameSync(partial, path);
  }

  loadInput(ref: OutputRef): unknown {
    let runId: string | null = ref.runId;
    for (let depth = 0; runId !== null && depth < MAX_LINEAGE_DEPTH; depth++) {
      const path = this.pathOf({ ...ref, runId });
      if (existsSync(path)) return deserialize(readFileSync(path));
      runId = this.#parentOf(runId);
    }
    throw new Error(
      `no stored value for output "${ref.output}" of step "${ref.stepKey}" in run ${ref.runId} or its parent runs (looked under ${this.storageDir})`,
    );
  }

  recordParent(runId: string, parentRunId: string): void {
    const path = join(this.storageDir, segment(runId), PARENT_FILE);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, parentRunId);
  }

  #parentOf(runId: string): string | null {
    const path = join(this.storageDir, segment(runId), PARENT_FILE);
    return existsSync(path) ? readFileSync(path, "utf8").trim() || null : null;
  }
}

/** `<data-dir>/storage`, from a run attempt dir `<data-dir>/runs/<run_id>/<attempt>`. */
export function storageDirOf(runAttemptDir: string): string {
  return process.env.FLIGHTDECK_STORAGE_DIR ?? join(runAttemptDir, "..", "..", "..", "storage");
}
