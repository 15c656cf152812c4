/**
 * What the run worker hands its executor beside the job: the IO manager (the job's own, or files
 * under `<data-dir>/storage`), how to start a step process (this same bundle with `--step`), and
 * the run dir for compute logs. A re-execution records its parent with the IO manager first, so
 * steps it does not run are loaded from the parent run.
 */
import type { LaunchRequest } from "../../protocol";
import type { Job } from "../sdk/job";
import type { ExecutionContext } from "./executor";
import { FsIoManager, storageDirOf } from "./io-manager";
import { STEP_FLAG } from "./step-messages";
import { findStepSnapshot } from "./step-snapshot-path";

export async function executionResources(
  job: Job,
  launch: LaunchRequest,
  runDir: string,
): Promise<Pick<ExecutionContext, "io" | "stepProcess" | "runDir">> {
  const io = job.ioManager ?? new FsIoManager(storageDirOf(runDir));
  if (launch.reexecution) await io.recordParent?.(launch.run_id, launch.reexecution.parent_run_id);
  const bundle = process.argv[1];
  if (!bundle) return { io, runDir };
  // The snapshot when it has been built for this bundle (a faster start, same code); else the bundle.
  const snapshot = process.env.FLIGHTDECK_STEP_SNAPSHOT === "0" ? null : findStepSnapshot(bundle);
  const args = snapshot ? [...process.execArgv, "--snapshot-blob", snapshot] : [...process.execArgv, bundle, STEP_FLAG];
  return { io, runDir, stepProcess: { execPath: process.execPath, args } };
}
