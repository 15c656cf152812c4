import { describe, expect, it } from "vitest";
import { InstanceConfigSchema } from "../../protocol";
import { decideAgentLost } from "./agent-lost-policy";
import type { MonitoredRun } from "./monitoring-policy";

const base = InstanceConfigSchema.parse({}).run_monitoring;
const run = (status: MonitoredRun["status"], attempt = 1): MonitoredRun => ({
  id: "r1",
  status,
  attempt,
  tags: {},
  updated_at: 0,
  started_at: 0,
});

describe("decideAgentLost", () => {
  it("fails a started run with AGENT_LOST when resuming is off", () => {
    expect(decideAgentLost(run("STARTED"), { ...base, max_resume_run_attempts: 0 }, "Agent a was lost")).toEqual({
      kind: "fail",
      reason: "AGENT_LOST",
      terminate: false,
      message: "Agent a was lost; resuming is off (max_resume_run_attempts 0).",
    });
  });

  it("resumes a started run while max_resume_run_attempts allows, then fails it", () => {
    const config = { ...base, max_resume_run_attempts: 1 };
    expect(decideAgentLost(run("STARTED", 1), config, "lost").kind).toBe("resume");
    expect(decideAgentLost(run("STARTED", 2), config, "lost")).toMatchObject({ kind: "fail", reason: "AGENT_LOST" });
  });

  it("fails a starting run, cancels a canceling one, and leaves an ended one alone", () => {
    expect(decideAgentLost(run("STARTING"), base, "lost")).toMatchObject({ kind: "fail", reason: "AGENT_LOST" });
    expect(decideAgentLost(run("CANCELING"), base, "lost").kind).toBe("cancel");
    expect(decideAgentLost(run("SUCCESS"), base, "lost").kind).toBe("none");
  });
});
