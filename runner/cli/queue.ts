/**
 * `flightdeck queue` (the run queue in launch order, each run with why it waits and when it
 * should start), `queue pause` and `queue resume`. Reordering a run is `run priority` / `run next`.
 */
import type { WaitReason } from "../../protocol";
import { QueuePausedReplySchema, QueueReplySchema } from "../../protocol";
import type { Noun, Verb } from "./command";
import { limitFlag } from "./command";
import { localTime, paint, printTable } from "./output";
import { shortRunId } from "./run-id";

const tagLabel = (key: string, value: string | null) => (value === null ? key : `${key}=${value}`);

/** "its first steps wait for a slot of pool warehouse: 1/1 in use, 2 waiting, 0 launched not yet claiming" */
function describePoolWait(wait: Extract<WaitReason, { reason: "op_concurrency_pools" }>): string {
  const pools = wait.pools
    .map(
      (p) =>
        `pool ${p.pool}: ${p.in_use}/${p.limit} in use, ${p.waiting} waiting, ${p.launched} launched not yet claiming`,
    )
    .join("; ");
  const buffer = wait.slot_buffer > 0 ? ` (slot buffer ${wait.slot_buffer})` : "";
  return `its first steps wait for a slot of ${pools}${buffer}`;
}

/** Why a run waits, in one line. */
export function describeWait(wait: WaitReason): string {
  switch (wait.reason) {
    case "paused":
      return wait.paused_by === "operator"
        ? "the queue is paused (flightdeck queue resume)"
        : "the queue is paused by run_coordinator.paused";
    case "blocked_by_zero_limit":
      return wait.limit.kind === "max_concurrent_runs"
        ? "max_concurrent_runs is 0"
        : `the tag limit ${tagLabel(wait.limit.key, wait.limit.value)} is 0`;
    case "tag_limit":
      return wait.limits
        .map(
          (l) =>
            `tag ${tagLabel(l.key, l.value)}: ${l.in_use}/${l.limit} held by ${l.held_by.map(shortRunId).join(", ") || "-"}`,
        )
        .join("; ");
    case "max_concurrent_runs":
      return `max_concurrent_runs: ${wait.in_use}/${wait.limit} in use`;
    case "code_location_unreachable":
      return `code location ${wait.location} unreachable since ${localTime(wait.since)}; next try at ${localTime(wait.next_try_at)}`;
    case "agent_capacity":
      return `no agent with free capacity for location ${wait.location} (${wait.in_use}/${wait.capacity} runs on ${wait.agents} agents)`;
    case "op_concurrency_pools":
      return describePoolWait(wait);
    case "launching":
      return "launching now";
  }
}

const show: Verb = {
  name: "show",
  usage: "[--limit n]",
  summary: "The queue in launch order, each run with why it waits",
  flags: { limit: { type: "string" } },
  args: { min: 0, max: 0 },
  async run({ client, flags, json, out }) {
    const q = await client().request("GET", "/api/queue", QueueReplySchema, {
      query: { limit: limitFlag(flags, 100, 500) },
    });
    if (json) {
      out.json(q);
      return 0;
    }
    const state = q.paused
      ? paint(out, "yellow", `paused (by ${q.paused_by ?? "operator"})`)
      : paint(out, "green", "admitting");
    const { limit: max, in_use } = q.limits.max_concurrent_runs;
    out.line(
      `Queue: ${state}; ${q.total_queued} queued, ${in_use} in progress (max_concurrent_runs ${max < 0 ? "unlimited" : max}); coordinator ${q.coordinator}`,
    );
    for (const paused of q.unreachable_locations) {
      out.line(
        paint(
          out,
          "yellow",
          `Code location ${paused.location} unreachable since ${localTime(paused.since)}, next try at ${localTime(paused.next_try_at)}: ${paused.error}`,
        ),
      );
    }
    if (q.queued.length > 0) {
      out.line();
      printTable(
        out,
        ["#", "RUN", "JOB", "PRIORITY", "ENQUEUED", "EST. START", "WAITING FOR"],
        q.queued.map((r) => [
          String(r.position),
          shortRunId(r.run_id),
          `${r.location ?? "?"}/${r.job ?? "?"}`,
          String(r.priority),
          localTime(r.enqueued_at),
          localTime(r.estimated_start_at),
          describeWait(r.wait),
        ]),
      );
    }
    if (q.total_queued > q.queued.length) out.line(`… and ${q.total_queued - q.queued.length} more (--limit)`);
    return 0;
  },
};

function pauseVerb(name: "pause" | "resume"): Verb {
  return {
    name,
    usage: "",
    summary: name === "pause" ? "Pause admission: queued runs stay queued" : "Resume admission",
    args: { min: 0, max: 0 },
    async run({ client, json, out }) {
      const reply = await client().request("POST", `/api/queue/${name}`, QueuePausedReplySchema);
      if (json) out.json(reply);
      else out.line(reply.paused ? "The queue is paused." : "The queue is admitting runs.");
      return 0;
    },
  };
}

export const queueNoun: Noun = {
  name: "queue",
  summary: "The run queue and why each run waits; pause and resume it",
  verbs: [show, pauseVerb("pause"), pauseVerb("resume")],
  defaultVerb: "show",
};
