/**
 * One admission pass of the run coordinator: the queue-policy decision fed the way its docblock
 * asks — a lazy merge of the heads of the queue's free lanes (lane-merge.ts), so the runs piled up
 * behind a full tag limit are never read — and its result saved (queued → in progress,
 * `launching`) in one storage transaction. Synchronous: no other request runs between the decision
 * and the save. The Durable Object calls it and dispatches the launches; the bench calls it alone.
 */
import type { RunCoordinatorConfig } from "../../../protocol";
import { countInProgressRuns } from "../../../protocol/tag-limits";
import type { LocationCapacity } from "../agents/agent-capacity";
import type { PoolsConfig } from "../pools/pool-leases";
import type { LocationPause } from "./location-pauses";
import type { OpConcurrencyGate } from "./op-concurrency";
import { selectRunsToLaunch } from "./queue-policy";
import type { QueueStore, StoredQueuedRun } from "./queue-store";

/** The run coordinator's settings with the pools' limits, which an admission reads when runs wait for pools. */
export type AdmissionConfig = RunCoordinatorConfig & { readonly pools: PoolsConfig };

/**
 * `pausedLocations`: code locations whose runs wait after their server could not be reached
 * (location-pauses.ts); `opConcurrency`: the pools runs' first steps need (op-concurrency.ts);
 * `agentCapacity`: the free runs of the agent locations' agents (agents/agent-capacity.ts).
 */
export function runAdmissionPass(
  store: QueueStore,
  config: RunCoordinatorConfig,
  now: number,
  pausedLocations?: ReadonlyMap<string, LocationPause>,
  opConcurrency?: OpConcurrencyGate | null,
  agentCapacity?: LocationCapacity,
): readonly StoredQueuedRun[] {
  const inProgress = store.inProgress();
  const paused = store.isPaused();
  store.laneBy(config.tag_concurrency_limits);
  // One counter for the pass, read by the lane merge and the policy alike.
  const counter = countInProgressRuns(config, inProgress);
  // The default coordinator applies no limits: plain launch order (queue-policy.ts launches them all).
  const queued = config.type === "queued" ? store.queuedByLanes(counter) : store.queuedInOrder();
  const { launch } = selectRunsToLaunch({
    queued,
    inProgress,
    counter,
    config,
    paused,
    pausedLocations,
    opConcurrency,
    agentCapacity,
  });
  if (launch.length > 0) store.admit(launch, now);
  return launch;
}
