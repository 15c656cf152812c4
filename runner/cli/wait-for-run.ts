/**
 * Following a run from the CLI until it ends: `job launch --wait`, `run logs --follow`. The CLI
 * asks the API again every second (the control plane has no push channel for clients yet); the
 * run's end is read from its status, and the exit code mirrors the outcome: 0 for SUCCESS, 1 for
 * FAILURE, 3 for CANCELED, so a script can tell a failed run from a terminated one.
 */
import type { Run, RunStatus } from "../../protocol";
import { isTerminalStatus, RunReplySchema } from "../../protocol";
import type { ApiClient } from "./api-client";

export const POLL_MS = 1000;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function exitCodeForRun(status: RunStatus): number {
  if (status === "SUCCESS") return 0;
  if (status === "CANCELED") return 3;
  return 1;
}

export async function getRun(client: ApiClient, id: string): Promise<Run> {
  return (await client.request("GET", `/api/runs/${id}`, RunReplySchema)).run;
}

/** Polls until the run ends, calling `onStatus` on each change; returns the final run. */
export async function waitForRun(client: ApiClient, id: string, onStatus: (run: Run) => void): Promise<Run> {
  let last: RunStatus | null = null;
  for (;;) {
    const run = await getRun(client, id);
    if (run.status !== last) {
      last = run.status;
      onStatus(run);
    }
    if (isTerminalStatus(run.status)) return run;
    await sleep(POLL_MS);
  }
}
