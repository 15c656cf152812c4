/** API calls of the executors area: re-execution, lineage, compute logs. */
import { RunReplySchema } from "../../protocol/api";
import { ComputeLogReplySchema, type ReexecuteRun, RunLineageSchema } from "../../protocol/executors";
import { apiRequest } from "./client";

const enc = encodeURIComponent;

export const reexecuteRun = async (id: string, body: ReexecuteRun) =>
  (await apiRequest("POST", `/api/runs/${enc(id)}/reexecute`, RunReplySchema, body)).run;

export const getRunLineage = (id: string, signal?: AbortSignal) =>
  apiRequest("GET", `/api/runs/${enc(id)}/lineage`, RunLineageSchema, undefined, { signal });

export const getComputeLogs = (
  id: string,
  step: string,
  offsets: { stdout: number; stderr: number },
  signal?: AbortSignal,
) =>
  apiRequest(
    "GET",
    `/api/runs/${enc(id)}/compute-logs/${enc(step)}?stdout_offset=${offsets.stdout}&stderr_offset=${offsets.stderr}`,
    ComputeLogReplySchema,
    undefined,
    { signal },
  );
