import { describe, expect, it } from "vitest";
import type { StoredEvent } from "../../../protocol/events";
import { deriveDecisions } from "./decisions";

let id = 0;
const engine = (data: StoredEvent["data"], attempt = 1, level: StoredEvent["level"] = "ERROR"): StoredEvent => ({
  id: ++id,
  run_id: "r",
  attempt,
  seq: null,
  type: "ENGINE_EVENT",
  ts: 1000 + id,
  step_key: null,
  level,
  message: `message ${id}`,
  data,
});

describe("the daemon's decisions from a run's event log", () => {
  it("picks run monitoring's, run retries' and a dead run worker's ENGINE_EVENTs, in order, and nothing else", () => {
    const events: StoredEvent[] = [
      { ...engine(null), type: "RUN_START", level: "INFO" },
      engine({ reason: "connection refused", next_attempt: 2, retry_at: 5 }, 1, "WARNING"),
      engine({ monitoring: "RESUME", next_attempt: 2 }, 1, "WARNING"),
      engine({ failure_reason: "RUN_WORKER_CRASHED", exit_code: null, signal: "SIGKILL" }, 2),
      engine({ monitoring: "FAIL", failure_reason: "RUN_WORKER_CRASHED", exit_code: null, signal: "SIGKILL" }, 2),
      engine({ retry: "RETRY", retry_run_id: "child", retry_number: 1, strategy: "FROM_FAILURE" }, 2, "INFO"),
    ];
    const decisions = deriveDecisions(events);
    expect(decisions.map((d) => [d.source, d.verdict, d.attempt, d.tone])).toEqual([
      ["MONITORING", "RESUME", 1, "warn"],
      ["RUN_WORKER", "CRASHED", 2, "bad"],
      ["MONITORING", "FAIL", 2, "bad"],
      ["RETRIES", "RETRY", 2, "ok"],
    ]);
    expect(decisions[3]?.retryRunId).toBe("child");
  });

  it("shows why a run was not retried", () => {
    const [decision] = deriveDecisions([
      engine({ retry: "NO_RETRY", failure_reason: "STEP_FAILURE", reason: "1 of 1 retries used" }, 1, "INFO"),
    ]);
    expect(decision).toMatchObject({ source: "RETRIES", verdict: "NO_RETRY", tone: "idle", retryRunId: null });
  });

  it("drops the log's own 'Run monitoring: ' prefix, since the card names who decided", () => {
    const event = { ...engine({ monitoring: "FAIL" }), message: "Run monitoring: Exceeded maximum runtime." };
    expect(deriveDecisions([event])[0]?.message).toBe("Exceeded maximum runtime.");
  });
});
