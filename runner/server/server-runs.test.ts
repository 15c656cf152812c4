import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorEventDataSchema, LaunchReplySchema, type RunWorkerEvent, RunWorkerHealthSchema } from "../../protocol";
import { ControlPlaneStub } from "../testing/control-plane-stub";
import { type ServeProcess, startServe, waitFor } from "../testing/serve-process";

const FINAL = ["RUN_SUCCESS", "RUN_FAILURE", "RUN_CANCELED"];
let serve: ServeProcess;
const controlPlane = new ControlPlaneStub();

beforeAll(async () => {
  await controlPlane.start();
  serve = await startServe({
    env: { FLIGHTDECK_FLUSH_TIMEOUT_SECONDS: "1", FLIGHTDECK_HEARTBEAT_SECONDS: "0.2" },
    args: ["--terminate-grace-seconds", "3"],
  });
});

afterAll(async () => {
  await serve?.stop();
  await controlPlane.stop();
});

async function launch(job: string, runConfig: Record<string, unknown> = {}, runId = randomUUID()) {
  const request = {
    run_id: runId,
    attempt: 1,
    location: "demo",
    job,
    run_config: runConfig,
    tags: {},
    ...controlPlane.endpointFor(runId),
  };
  const response = await serve.request("POST", "/runs", request);
  expect(response.status).toBe(202);
  return { runId, request, handle: LaunchReplySchema.parse(await response.json()).handle };
}

function finished(runId: string): Promise<RunWorkerEvent[]> {
  return waitFor(
    () => {
      const events = controlPlane.events(runId);
      return events.some((e) => FINAL.includes(e.type)) && events.length === events.at(-1)?.seq ? events : undefined;
    },
    30_000,
    `run ${runId} to finish`,
  );
}

function expectGapFree(events: RunWorkerEvent[]): void {
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
}

const of = (events: RunWorkerEvent[], type: string, step?: string) =>
  events.filter((e) => e.type === type && (step === undefined || e.step_key === step));

describe("POST /runs", () => {
  it("runs the diamond job to RUN_SUCCESS with every output passed downstream", async () => {
    const { runId } = await launch("diamond");
    const events = await finished(runId);
    expectGapFree(events);
    expect(events[0]?.type).toBe("RUN_START");
    expect(events.at(-1)?.type).toBe("RUN_SUCCESS");
    expect(of(events, "STEP_SUCCESS").map((e) => e.step_key)).toEqual(["a", "b", "c", "d"]);
    expect(of(events, "STEP_OUTPUT", "d")[0]?.data).toEqual({ output: "result", value: 22 });
    expect(of(events, "LOG", "d").map((e) => e.message)).toContain("combined 11 × 2 = 22");
  });

  it("applies run config to the op that declares it", async () => {
    const { runId } = await launch("diamond", { ops: { a: { config: { value: 5 } } } });
    const events = await finished(runId);
    expect(of(events, "STEP_OUTPUT", "d")[0]?.data).toEqual({ output: "result", value: 150 });
  });

  it("reports a throwing op with its stack, skips what is downstream and fails the run", async () => {
    const { runId } = await launch("fails");
    const events = await finished(runId);
    expectGapFree(events);
    const failure = of(events, "STEP_FAILURE", "explode")[0];
    const { error } = ErrorEventDataSchema.parse(failure?.data);
    expect(error.message).toBe("explode refuses to handle 1");
    // The inline source map points the stack at the user's TypeScript.
    expect(error.stack).toMatch(/examples\/demo\/location\.ts:\d+/);
    expect(of(events, "STEP_SKIPPED", "after")[0]?.data).toEqual({ reason: 'upstream step "explode" did not succeed' });
    expect(events.at(-1)).toMatchObject({ type: "RUN_FAILURE", data: { failure_reason: "STEP_FAILURE" } });
  });

  it("fails the step whose required config is missing, saying which field", async () => {
    const { runId } = await launch("greet");
    const events = await finished(runId);
    expect(of(events, "STEP_FAILURE", "hello")[0]?.message).toMatch(/config\.name/);
    expect(events.at(-1)?.type).toBe("RUN_FAILURE");
  });

  it("starts one run worker however often the same run attempt is launched", async () => {
    const { runId, request, handle } = await launch("diamond");
    const again = await serve.request("POST", "/runs", request);
    expect(again.status).toBe(202);
    expect(LaunchReplySchema.parse(await again.json()).handle).toBe(handle);
    const events = await finished(runId);
    expect(of(events, "RUN_START")).toHaveLength(1);
  });

  it("answers 400 with the error envelope for a launch request that does not validate", async () => {
    const response = await serve.request("POST", "/runs", { run_id: "x", job: "diamond" });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "validation_failed" } });
  });
});

describe("POST /runs/:run_id/terminate", () => {
  it("cancels a sleeping run, and its process group is gone", async () => {
    const { runId, handle } = await launch("sleepy");
    await waitFor(() => of(controlPlane.events(runId), "HEARTBEAT").length > 0, 30_000, "a heartbeat while napping");
    const response = await serve.request("POST", `/runs/${runId}/terminate`);
    expect(response.status).toBe(202);
    const events = await finished(runId);
    expectGapFree(events);
    expect(events.at(-1)?.type).toBe("RUN_CANCELED");
    expect(of(events, "STEP_FAILURE", "nap")).toHaveLength(1);
    const health = await waitFor(async () => {
      const reply = RunWorkerHealthSchema.parse(await (await serve.request("GET", `/runs/${runId}`)).json());
      return reply.state === "exited" ? reply : undefined;
    });
    expect(health.exit_code).toBe(143);
    const pid = Number(handle.split(":")[1]);
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: "ESRCH" }));
  });
});

describe("event delivery", () => {
  it("loses nothing while the control plane answers 503, and duplicates are harmless", async () => {
    controlPlane.down = true;
    const failuresBefore = controlPlane.failures;
    const { runId } = await launch("diamond");
    await waitFor(() => controlPlane.failures >= failuresBefore + 3, 30_000, "three failed deliveries");
    controlPlane.down = false;
    const events = await finished(runId);
    expectGapFree(events);
    expect(events.at(-1)?.type).toBe("RUN_SUCCESS");
  });

  it("stores each event once when the same events are delivered again after a lost reply", async () => {
    controlPlane.loseAcks = true;
    const failuresBefore = controlPlane.failures;
    const duplicatesBefore = controlPlane.duplicates;
    const { runId } = await launch("diamond");
    await waitFor(() => controlPlane.failures >= failuresBefore + 2, 30_000, "two lost acknowledgements");
    controlPlane.loseAcks = false;
    const events = await finished(runId);
    expectGapFree(events);
    // Some events arrived more than once, yet each seq is stored exactly once.
    expect(controlPlane.duplicates).toBeGreaterThan(duplicatesBefore);
    expect(events.at(-1)?.type).toBe("RUN_SUCCESS");
  });

  it("delivers through the server's sweeper what a run worker could not before it exited", async () => {
    controlPlane.down = true;
    const { runId } = await launch("noop");
    await waitFor(
      async () => {
        const health = RunWorkerHealthSchema.parse(await (await serve.request("GET", `/runs/${runId}`)).json());
        return health.state === "exited";
      },
      30_000,
      "the run worker to give up and exit",
    );
    expect(controlPlane.events(runId)).toEqual([]);
    controlPlane.down = false;
    const events = await finished(runId);
    expectGapFree(events);
    expect(events.at(-1)?.type).toBe("RUN_SUCCESS");
  });
});
