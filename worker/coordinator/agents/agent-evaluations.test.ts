import { beforeEach, describe, expect, it } from "vitest";
import { AGENT_PING_TIMEOUT_MS, type CoordinatorMessage, MAX_EVALUATION_BODY_CHARS } from "../../../protocol";
import { EVALUATION_TIMEOUT_MS } from "../../daemon/remote-evaluation";
import { ManualClock } from "../../test/coordinator-clock";
import { AgentEvaluations } from "./agent-evaluations";
import type { AgentLoad } from "./agent-placement";

const NOW = 1_000_000;
let clock: ManualClock;
beforeEach(() => {
  clock = new ManualClock(NOW);
});

/** Agents of one location that record what they are sent; `refuse` makes every send fail. */
function fakeSockets(ids: string[], options: { refuse?: boolean; lastPingAt?: number } = {}) {
  const sent: { agentId: string; message: CoordinatorMessage }[] = [];
  const loads = (): AgentLoad[] =>
    ids.map((id) => ({ id, maxRuns: 1, running: 0, lastPlacedAt: 0, lastPingAt: options.lastPingAt ?? NOW }));
  const send = (agentId: string, message: CoordinatorMessage) => {
    if (options.refuse) return false;
    sent.push({ agentId, message });
    return true;
  };
  return { sockets: { loads, send }, sent };
}

function requestOf(sent: { message: CoordinatorMessage }[], index = 0) {
  const message = sent[index]?.message;
  if (message?.type !== "evaluate") throw new Error("no evaluate was sent");
  return message;
}

describe("evaluations on agents", () => {
  it("sends the path and body to an agent and resolves with its answer of the same request id", async () => {
    const { sockets, sent } = fakeSockets(["a"]);
    const evaluations = new AgentEvaluations(sockets, clock);
    const result = evaluations.evaluate("fleet", "/schedules/s/evaluate", '{"scheduled_time":1}');
    const request = requestOf(sent);
    expect(request).toMatchObject({ path: "/schedules/s/evaluate", body: '{"scheduled_time":1}' });
    evaluations.answered("a", { type: "evaluation", request_id: request.request_id, status: 200, body: "{}" });
    expect(await result).toEqual({ ok: true, status: 200, body: "{}" });
  });

  it("spreads concurrent evaluations over the location's agents", async () => {
    const { sockets, sent } = fakeSockets(["a", "b"]);
    const evaluations = new AgentEvaluations(sockets, clock);
    void evaluations.evaluate("fleet", "/sensors/x/evaluate", "{}");
    void evaluations.evaluate("fleet", "/sensors/y/evaluate", "{}");
    expect(sent.map((s) => s.agentId)).toEqual(["a", "b"]);
  });

  it("drops an answer from another agent than the one asked, and a second answer", async () => {
    const { sockets, sent } = fakeSockets(["a", "b"]);
    const evaluations = new AgentEvaluations(sockets, clock);
    const result = evaluations.evaluate("fleet", "/sensors/x/evaluate", "{}");
    const { request_id } = requestOf(sent);
    evaluations.answered("b", { type: "evaluation", request_id, status: 200, body: '"b"' });
    evaluations.answered("a", { type: "evaluation", request_id, status: 200, body: '"a"' });
    evaluations.answered("a", { type: "evaluation", request_id, status: 500, body: '"again"' });
    expect(await result).toEqual({ ok: true, status: 200, body: '"a"' });
  });

  it.each([
    ["no agent is connected", [], {}, "no agent of code location fleet is connected"],
    ["the only agent has not pinged lately", ["a"], { lastPingAt: NOW - AGENT_PING_TIMEOUT_MS - 1 }, "no agent"],
    ["the request could not be sent", ["a"], { refuse: true }, "could not be sent"],
  ])("is unreachable when %s", async (_name, ids, options, reason) => {
    const evaluations = new AgentEvaluations(fakeSockets(ids, options).sockets, clock);
    const result = await evaluations.evaluate("fleet", "/sensors/x/evaluate", "{}");
    expect(result).toMatchObject({ ok: false, unreachable: true });
    expect(result.ok ? "" : result.reason).toContain(reason);
  });

  it("fails what an agent was asked at once, as unreachable, when the agent is lost; others keep waiting", async () => {
    const { sockets, sent } = fakeSockets(["a", "b"]);
    const evaluations = new AgentEvaluations(sockets, clock);
    const onA = evaluations.evaluate("fleet", "/sensors/x/evaluate", "{}");
    const onB = evaluations.evaluate("fleet", "/sensors/y/evaluate", "{}");
    evaluations.agentGone("a", "its socket closed (1006)");
    const lost = await onA;
    expect(lost).toMatchObject({ ok: false, unreachable: true });
    expect(lost.ok ? "" : lost.reason).toContain("agent a was lost (its socket closed (1006)) before it answered");
    evaluations.answered("b", {
      type: "evaluation",
      request_id: requestOf(sent, 1).request_id,
      status: 200,
      body: "1",
    });
    expect(await onB).toEqual({ ok: true, status: 200, body: "1" });
  });

  it("is unreachable when the agent does not answer within EVALUATION_TIMEOUT_MS, and drops a late answer", async () => {
    const { sockets, sent } = fakeSockets(["a"]);
    const evaluations = new AgentEvaluations(sockets, clock);
    let settled = false;
    const result = evaluations.evaluate("fleet", "/sensors/x/evaluate", "{}").finally(() => {
      settled = true;
    });
    clock.advance(EVALUATION_TIMEOUT_MS - 1);
    await Promise.resolve();
    expect(settled).toBe(false);
    clock.advance(1);
    expect(await result).toMatchObject({
      ok: false,
      unreachable: true,
      reason: expect.stringContaining(`within ${EVALUATION_TIMEOUT_MS} ms`),
    });
    evaluations.answered("a", { type: "evaluation", request_id: requestOf(sent).request_id, status: 200, body: "{}" });
  });

  it("refuses a request body larger than an agent is sent, as a failure of the request, not of the agent", async () => {
    const { sockets, sent } = fakeSockets(["a"]);
    const evaluations = new AgentEvaluations(sockets, clock);
    const result = await evaluations.evaluate(
      "fleet",
      "/sensors/x/evaluate",
      "x".repeat(MAX_EVALUATION_BODY_CHARS + 1),
    );
    expect(result).toMatchObject({ ok: false, unreachable: false });
    expect(sent).toEqual([]);
  });
});
