/**
 * Why a queued run waits, in words (DESIGN.md §8): which limit, how full, held by which runs —
 * each holder a link to its run — or that the queue is paused, that a limit of 0 blocks it, or
 * that its code location's server could not be reached, that the op concurrency pools its
 * first steps need are full (`run_coordinator.block_op_concurrency_limited_runs`), or that its
 * agents are all full.
 */
import type { TagLimitUsage, WaitReason as Wait } from "../../../protocol/queue";
import { Link } from "../../components/link";
import { AbsoluteTime } from "../../components/time";
import { shortRunId } from "../../lib/run-id";

/** `db` (any value), `db=prod`, or `db=prod` (each value on its own). */
export function tagLimitLabel(limit: { kind: TagLimitUsage["kind"]; key: string; value: string | null }): string {
  if (limit.kind === "key") return `${limit.key} (any value)`;
  if (limit.kind === "value") return `${limit.key}=${limit.value ?? ""}`;
  return limit.value === null ? `${limit.key} (each value)` : `${limit.key}=${limit.value} (each value)`;
}

const MAX_HOLDERS_SHOWN = 3;

export function Holders({ runIds }: { runIds: readonly string[] }) {
  if (runIds.length === 0) return null;
  const shown = runIds.slice(0, MAX_HOLDERS_SHOWN);
  return (
    <span class="holders">
      held by{" "}
      {shown.map((id, index) => (
        <span key={id}>
          {index > 0 ? ", " : null}
          <Link href={`/runs/${id}`} class="mono" data-testid="reason-holder" data-run-id={id}>
            {shortRunId(id)}
          </Link>
        </span>
      ))}
      {runIds.length > shown.length ? <span class="muted"> +{runIds.length - shown.length} more</span> : null}
    </span>
  );
}

function Usage({ inUse, limit }: { inUse: number; limit: number }) {
  return (
    <span class="num">
      {inUse} of {limit} in use
    </span>
  );
}

type Props = {
  wait: Wait;
  /** Every run in progress: together they hold max_concurrent_runs. */
  inProgressIds: readonly string[];
};

export function WaitReason({ wait, inProgressIds }: Props) {
  switch (wait.reason) {
    case "paused":
      return (
        <span class="reason" data-testid="queue-reason" data-reason="paused">
          <span class="reason-kind tone-warn">Paused</span>
          {wait.paused_by === "operator"
            ? "the queue is paused; resume it to launch."
            : "run_coordinator.paused is set in the instance config."}
        </span>
      );
    case "blocked_by_zero_limit":
      return (
        <span class="reason" data-testid="queue-reason" data-reason="zero_limit">
          <span class="reason-kind tone-bad">Blocked</span>
          {wait.limit.kind === "max_concurrent_runs" ? (
            <>
              <span class="mono">max_concurrent_runs</span> is 0: nothing launches until it is raised.
            </>
          ) : (
            <>
              tag limit <span class="mono">{tagLimitLabel(wait.limit)}</span> is 0: runs with this tag never launch
              until it is raised.
            </>
          )}
        </span>
      );
    case "tag_limit":
      return (
        <span class="reason" data-testid="queue-reason" data-reason="tag_limit">
          {wait.limits.map((usage) => (
            <span key={`${usage.key}=${usage.value}`} class="reason-line">
              <span class="reason-kind tone-queue">Tag limit</span>
              <span class="mono">{tagLimitLabel(usage)}</span> full: <Usage inUse={usage.in_use} limit={usage.limit} />,{" "}
              <Holders runIds={usage.held_by} />
            </span>
          ))}
        </span>
      );
    case "max_concurrent_runs":
      return (
        <span class="reason" data-testid="queue-reason" data-reason="max_concurrent_runs">
          <span class="reason-kind tone-queue">Limit</span>
          <span class="mono">max_concurrent_runs</span> full: <Usage inUse={wait.in_use} limit={wait.limit} />
          {inProgressIds.length > 0 ? (
            <>
              , <Holders runIds={inProgressIds} />
            </>
          ) : null}
        </span>
      );
    case "code_location_unreachable":
      return (
        <span class="reason" data-testid="queue-reason" data-reason="code_location_unreachable">
          <span class="reason-kind tone-warn">Unreachable</span>
          code location <span class="mono">{wait.location}</span>'s server could not be reached since{" "}
          <AbsoluteTime ms={wait.since} />; next try at <AbsoluteTime ms={wait.next_try_at} />.
        </span>
      );
    case "agent_capacity":
      return (
        <span class="reason" data-testid="queue-reason" data-reason="agent_capacity">
          <span class="reason-kind tone-queue">Agents full</span>
          no agent with free capacity for location <span class="mono">{wait.location}</span>:{" "}
          <Usage inUse={wait.in_use} limit={wait.capacity} /> on {wait.agents} {wait.agents === 1 ? "agent" : "agents"}.
        </span>
      );
    case "op_concurrency_pools":
      return (
        <span class="reason" data-testid="queue-reason" data-reason="op_concurrency_pools">
          {wait.pools.map((usage) => (
            <span key={usage.pool} class="reason-line">
              <span class="reason-kind tone-queue">Pool</span>
              its first steps need <span class="mono">{usage.pool}</span>, full:{" "}
              <Usage inUse={usage.in_use} limit={usage.limit} />, {usage.waiting} waiting, {usage.launched} launched not
              yet claiming
              {wait.slot_buffer > 0 ? ` (slot buffer ${wait.slot_buffer})` : ""}.
            </span>
          ))}
        </span>
      );
    case "launching":
      return (
        <span class="reason" data-testid="queue-reason" data-reason="launching">
          <span class="reason-kind tone-run">Launching</span>
          nothing holds it back; it launches now.
        </span>
      );
  }
}
