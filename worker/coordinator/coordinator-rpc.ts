/**
 * What the rest of the Worker may ask of the RunCoordinator Durable Object over RPC: the object
 * implements this, and `coordinator-stub.ts` types its stub with it, so nothing that calls the
 * object has to import the object's class (and, through it, everything the object runs).
 */
import type {
  Agent,
  InstanceConfig,
  Pool,
  PoolListReply,
  PoolSlotClaimReply,
  PoolSlotRenewReply,
  Run,
  Tags,
} from "../../protocol";
import type { AgentEvaluator } from "../daemon/remote-evaluation";
import type { AgentLaunches } from "../launcher/location-routing-launcher";
import type { CodeLocationEndpoint } from "../storage/code-locations-repo";
import type { AgentLocationCapacity } from "./agents/agent-capacity";
import type { PoolClaimInput, PoolGateView } from "./pools/pool-slots";
import type { PoolNeeds } from "./queue/first-step-pools";
import type { StoredInProgressRun } from "./queue/in-progress-store";
import type { LocationPause } from "./queue/location-pauses";
import type { StoredQueuedRun } from "./queue/queue-store";

export type EnqueueInput = { id: string; tags: Tags; enqueuedAt: number; eventsUrl: string; location?: string | null };
/** `firstStepPools`: the pools the run's first steps need (queue/first-step-pools.ts); absent or null: none can hold it back. */
export type SubmitInput = {
  run: Run;
  eventsUrl: string;
  endpoint: CodeLocationEndpoint | null;
  firstStepPools?: PoolNeeds | null;
};
export type PriorityChange = { priority: number } | { moveToFront: true };
export type QueueSnapshot = {
  config: InstanceConfig;
  paused: boolean;
  totalQueued: number;
  /** One page, in launch order. */
  queued: StoredQueuedRun[];
  inProgress: readonly StoredInProgressRun[];
  /** Code locations whose runs wait after a launch could not reach them (those over included). */
  locationPauses: LocationPause[];
  /** Every code location served by agents: their capacity and the runs they hold. */
  agentCapacity: AgentLocationCapacity[];
  /** Runs waiting for op concurrency pools (queue/op-concurrency.ts); null when that setting is off. */
  poolGate: PoolGateView | null;
};

export interface CoordinatorRpc extends Rpc.DurableObjectBranded, AgentLaunches, AgentEvaluator {
  /** The connected agents (GET /api/agents). */
  agents(): Promise<Agent[]>;
  /** Agent sockets the runtime still holds, closing ones included (tests wait for 0). */
  agentSocketCount(): Promise<number>;
  /** A run already QUEUED in D1 joins the queue; admits. */
  enqueue(run: EnqueueInput): Promise<void>;
  /** A new run, not yet in D1: stored (and claimed, when admitted at once); returns once D1 has it. */
  submit(input: SubmitInput): Promise<void>;
  /** Removes a queued run and cancels it; "not_queued" when it is not in the queue. */
  cancelQueued(runId: string): Promise<"canceled" | "not_queued">;
  /** Runs reached a terminal status: free their slots and admit. */
  runsEnded(runIds: readonly string[]): Promise<void>;
  /** The new priority, or null when the run is not queued. */
  setPriority(runId: string, change: PriorityChange): Promise<number | null>;
  setPaused(paused: boolean): Promise<void>;
  /** The instance config changed: read it again and admit under the new limits. */
  configChanged(): Promise<void>;
  snapshot(offset: number, limit: number): Promise<QueueSnapshot>;
  claimPoolSlot(claim: PoolClaimInput): Promise<PoolSlotClaimReply>;
  renewPoolSlots(runId: string, stepKeys: string[]): Promise<PoolSlotRenewReply>;
  releasePoolSlot(runId: string, stepKey: string): Promise<boolean>;
  pools(named: string[]): Promise<PoolListReply>;
  pool(name: string): Promise<Pool>;
  /** Waits until no launch is under way. */
  settle(): Promise<void>;
  /** Heals the object from D1: frees slots of runs that ended unseen, adopts runs it never heard of. */
  reconcile(): Promise<void>;
  /** The daemon's sensors pass should run at or before `at`. */
  wakeDaemonAt(at: number): Promise<void>;
}
