import { describe, expect, it } from "vitest";
import { AgentEvaluationSchema, ErrorEnvelopeSchema, MAX_EVALUATION_BODY_CHARS } from "../../protocol";
import { evaluateByPath } from "../server/evaluation-route";
import type { LoadedLocation } from "../server/routes";
import { answerEvaluation } from "./agent-evaluations";

const location: LoadedLocation = { ok: true, definitions: { jobs: [], schedules: [], sensors: [] } };

/** The agent's answer to `evaluate` of `path`, with the server's route over this stand-in for the bundle's functions. */
async function answer(path: string, body: string, evaluate: (kind: string, name: string, body: unknown) => unknown) {
  const reply = await answerEvaluation((p, b) => evaluateByPath(location, async (...args) => evaluate(...args), p, b), {
    type: "evaluate",
    request_id: "eval_1",
    path,
    body,
  });
  return AgentEvaluationSchema.parse(reply);
}

function errorOf(body: string) {
  return ErrorEnvelopeSchema.parse(JSON.parse(body)).error;
}

describe("an agent's answer to evaluate", () => {
  it("is what the server's route answers, as JSON text, with the request's id", async () => {
    const reply = await answer("/schedules/daily/evaluate", '{"scheduled_time":5}', (kind, name, body) => ({
      run_requests: [{ run_key: `${kind}:${name}:${(body as { scheduled_time: number }).scheduled_time}` }],
    }));
    expect(reply).toEqual({
      type: "evaluation",
      request_id: "eval_1",
      status: 200,
      body: JSON.stringify({ run_requests: [{ run_key: "schedules:daily:5" }] }),
    });
  });

  it("carries a sensor function's failure as the server would: 500 with its message", async () => {
    const reply = await answer("/sensors/files/evaluate", "{}", () => {
      throw new Error("the bucket is gone");
    });
    expect(reply.status).toBe(500);
    expect(errorOf(reply.body)).toMatchObject({ code: "internal_error" });
    expect(errorOf(reply.body).message).toContain('sensor "files" failed: Error: the bucket is gone');
  });

  it.each([
    ["a path that is no evaluation", "/runs/r1/terminate", "{}", 404, "not_found"],
    ["a body that is not JSON", "/sensors/files/evaluate", "{", 400, "invalid_json"],
  ])("answers %s with the error envelope", async (_name, path, body, status, code) => {
    const reply = await answer(path, body, () => ({}));
    expect(reply.status).toBe(status);
    expect(errorOf(reply.body).code).toBe(code);
  });

  it("answers a reply too large for one message with a 500 that says so", async () => {
    const reply = await answer("/sensors/files/evaluate", "{}", () => ({
      cursor: "x".repeat(MAX_EVALUATION_BODY_CHARS),
    }));
    expect(reply.status).toBe(500);
    expect(errorOf(reply.body).message).toContain(`more than the ${MAX_EVALUATION_BODY_CHARS}`);
  });
});
