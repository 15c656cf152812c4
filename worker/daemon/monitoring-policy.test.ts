/**
 * Run monitoring decisions with injected time. Cases marked "Dagster:" port the named test of
 * dagster_tests/daemon_tests/test_monitoring_daemon.py (run_monitoring).
 */
import { describe, expect, it } from "vitest";
import type { RunWorkerHealth } from "../../protocol";
import { InstanceConfigSchema } from "../../protocol";
import type { MonitoredRun, MonitoringConfig, MonitoringDecision } from "./monitoring-policy";
import { decideMonitoring, EXITED_GRACE_MS, maxRuntimeMs, needsHealthCheck } from "./monitoring-policy";

const DEFAULTS: MonitoringConfig = InstanceConfigSchema.parse({}).run_monitoring;
const T0 = 1_700_000_000_000;
const S = 1000;

function run(overrides: Partial<MonitoredRun> = {}): MonitoredRun {
  return { id: "r1", status: "STARTED", attempt: 1, tags: {}, updated_at: T0, started_at: T0, ...overrides };
}
const exited = (exit_code: number | null, signal: string | null = null): RunWorkerHealth => ({
  state: "exited",
  exit_code,
  signal,
});
const running: RunWorkerHealth = { state: "running", exit_code: null, signal: null };

type Case = {
  name: string;
  run: MonitoredRun;
  lastWorkerEventAt?: number | null;
  health?: RunWorkerHealth | null;
  config?: Partial<MonitoringConfig>;
  now: number;
  expected: Pick<MonitoringDecision, "kind"> & { reason?: string; terminate?: boolean; seconds?: number };
};

const cases: Case[] = [
  // Dagster: test_monitor_starting
  {
    name: "a STARTING run within the start timeout is left alone",
    run: run({ status: "STARTING" }),
    now: T0 + 180 * S,
    expected: { kind: "none" },
  },
  {
    name: "Dagster test_monitor_starting: STARTING past start_timeout_seconds fails and is terminated",
    run: run({ status: "STARTING" }),
    now: T0 + 181 * S,
    expected: { kind: "fail", reason: "START_TIMEOUT", terminate: true },
  },
  {
    name: "a configured start timeout is honoured",
    run: run({ status: "STARTING" }),
    config: { start_timeout_seconds: 5 },
    now: T0 + 6 * S,
    expected: { kind: "fail", reason: "START_TIMEOUT" },
  },
  // Dagster: test_monitor_canceling
  {
    name: "a CANCELING run within the cancel timeout is left alone",
    run: run({ status: "CANCELING" }),
    now: T0 + 100 * S,
    expected: { kind: "none" },
  },
  {
    name: "Dagster test_monitor_canceling: CANCELING past cancel_timeout_seconds is marked CANCELED",
    run: run({ status: "CANCELING" }),
    now: T0 + 181 * S,
    expected: { kind: "cancel" },
  },
  // Dagster: test_monitor_started
  {
    name: "a STARTED run that heartbeats and is running is left alone",
    run: run(),
    lastWorkerEventAt: T0 + 590 * S,
    health: running,
    now: T0 + 600 * S,
    expected: { kind: "none" },
  },
  {
    name: "Dagster test_monitor_started: a run worker that exited fails the run when resuming is off",
    run: run(),
    lastWorkerEventAt: T0 + 30 * S,
    health: exited(null, "SIGKILL"),
    now: T0 + 30 * S + EXITED_GRACE_MS,
    expected: { kind: "fail", reason: "RUN_WORKER_CRASHED", terminate: false },
  },
  {
    name: "an exited run worker that spoke moments ago gets the grace for its server's own report",
    run: run(),
    lastWorkerEventAt: T0 + 30 * S,
    health: exited(137),
    now: T0 + 31 * S,
    expected: { kind: "none" },
  },
  {
    name: "Dagster test_monitor_started (resume): an exited run worker is resumed while attempts remain",
    run: run({ attempt: 1 }),
    lastWorkerEventAt: T0,
    health: exited(1),
    config: { max_resume_run_attempts: 2 },
    now: T0 + 60 * S,
    expected: { kind: "resume" },
  },
  {
    name: "Dagster test_monitor_started (resume exhausted): after max_resume_run_attempts the run fails",
    run: run({ attempt: 3 }),
    lastWorkerEventAt: T0,
    health: exited(1),
    config: { max_resume_run_attempts: 2 },
    now: T0 + 60 * S,
    expected: { kind: "fail", reason: "RUN_WORKER_CRASHED" },
  },
  {
    name: "a run worker silent past heartbeat_timeout_seconds, server unreachable, fails and is terminated",
    run: run(),
    lastWorkerEventAt: T0,
    health: null,
    now: T0 + 121 * S,
    expected: { kind: "fail", reason: "HEARTBEAT_TIMEOUT", terminate: true },
  },
  {
    name: "a silent run worker within heartbeat_timeout_seconds is left alone when its health is unknown",
    run: run(),
    lastWorkerEventAt: T0,
    health: { state: "unknown", exit_code: null, signal: null },
    now: T0 + 119 * S,
    expected: { kind: "none" },
  },
  {
    name: "a resumed attempt that has sent nothing yet is timed from the resume, not its first start",
    run: run({ attempt: 2, started_at: T0, updated_at: T0 + 500 * S }),
    lastWorkerEventAt: null,
    health: null,
    now: T0 + 600 * S,
    expected: { kind: "none" },
  },
  // Dagster: test_long_running_termination
  {
    name: "Dagster test_long_running_termination: past the flightdeck/max_runtime tag → CANCELING, terminate, FAILURE",
    run: run({ tags: { "flightdeck/max_runtime": "2" } }),
    lastWorkerEventAt: T0 + 2 * S,
    health: running,
    now: T0 + 3 * S,
    expected: { kind: "max_runtime", seconds: 2 },
  },
  {
    name: "within the flightdeck/max_runtime tag nothing happens",
    run: run({ tags: { "flightdeck/max_runtime": "10" } }),
    lastWorkerEventAt: T0 + 9 * S,
    now: T0 + 9 * S,
    expected: { kind: "none" },
  },
  {
    name: "the instance's max_runtime_seconds applies when the run has no tag",
    run: run(),
    lastWorkerEventAt: T0 + 60 * S,
    config: { max_runtime_seconds: 60 },
    now: T0 + 61 * S,
    expected: { kind: "max_runtime", seconds: 60 },
  },
  {
    name: "terminal and queued runs are never touched",
    run: run({ status: "SUCCESS" }),
    now: T0 + 10_000 * S,
    expected: { kind: "none" },
  },
  {
    name: "QUEUED runs are the coordinator's, not monitoring's",
    run: run({ status: "QUEUED" }),
    now: T0 + 10_000 * S,
    expected: { kind: "none" },
  },
];

describe("decideMonitoring", () => {
  it.each(cases)("$name", (c) => {
    const decision = decideMonitoring(
      c.run,
      { lastWorkerEventAt: c.lastWorkerEventAt ?? null, health: c.health ?? null },
      { ...DEFAULTS, ...c.config },
      c.now,
    );
    expect(decision).toMatchObject(c.expected);
  });

  it("says why in a sentence, with the signal that killed the run worker", () => {
    const decision = decideMonitoring(
      run(),
      { lastWorkerEventAt: T0, health: exited(null, "SIGKILL") },
      DEFAULTS,
      T0 + 60 * S,
    );
    expect(decision.kind === "fail" && decision.message).toContain("killed by SIGKILL");
  });
});

describe("maxRuntimeMs (Dagster: test_get_max_runtime)", () => {
  it.each([
    [{}, null, null],
    [{ "flightdeck/max_runtime": "30" }, null, 30_000],
    [{ "flightdeck/max_runtime": "30" }, 10, 30_000],
    [{}, 10, 10_000],
    [{ "flightdeck/max_runtime": "soon" }, 10, 10_000],
    [{ "flightdeck/max_runtime": "-5" }, null, null],
  ] as const)("tags %j with instance %s → %s ms", (tags, instance, expected) => {
    expect(maxRuntimeMs(tags, { ...DEFAULTS, max_runtime_seconds: instance })).toBe(expected);
  });
});

describe("needsHealthCheck", () => {
  it.each([
    ["a run that spoke 5 s ago", run(), T0 + 5 * S, T0 + 10 * S, false],
    ["a run silent for 20 s", run(), T0, T0 + 20 * S, true],
    ["a STARTING run", run({ status: "STARTING" }), null, T0 + 600 * S, false],
  ] as const)("%s → %s", (_name, r, last, now, expected) => {
    expect(needsHealthCheck(r, last, now)).toBe(expected);
  });
});
