import { describe, expect, it } from "vitest";
import type { AlertPolicy, Run } from "../../protocol";
import { AlertWebhookBodySchema } from "../../protocol";
import { buildAlertMessage } from "./alert-message";

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);

const policy: Pick<AlertPolicy, "id" | "name" | "destination"> = {
  id: "p1",
  name: "on-call <team>",
  destination: { type: "WEBHOOK", url: "https://example.com/hook" },
};

const run: Run = {
  id: "0190-run",
  location: "demo",
  job: "fails",
  status: "FAILURE",
  run_config: {},
  tags: { team: "data" },
  priority: 0,
  attempt: 1,
  parent_run_id: null,
  root_run_id: null,
  created_at: NOW - 60_000,
  updated_at: NOW,
  started_at: NOW - 30_000,
  ended_at: NOW,
  agent: null,
};

describe("alert messages", () => {
  it("a webhook body is type-tagged, names the policy and the run, and links to the run", () => {
    const message = buildAlertMessage(
      policy,
      { kind: "run", event: "RUN_FAILURE", run },
      {
        baseUrl: "https://fd.example.com",
        now: NOW,
      },
    );
    const body = AlertWebhookBodySchema.parse(JSON.parse(message.body));
    expect(body.type).toBe("run.failure");
    expect(body.timestamp).toBe("2026-01-02T03:04:05.000Z");
    expect(body.data.policy).toEqual({ id: "p1", name: "on-call <team>" });
    expect(body.data.url).toBe("https://fd.example.com/runs/0190-run");
    expect(body.data.run).toMatchObject({ id: "0190-run", job: "fails", status: "FAILURE", tags: { team: "data" } });
    expect(message).toMatchObject({ event: "RUN_FAILURE", dedupeKey: "run:0190-run:RUN_FAILURE", runId: "0190-run" });
    expect(message.summary).toBe("Run 0190-run of demo/fails failed.");
  });

  it("without a known URL the body says so with a null link", () => {
    const message = buildAlertMessage(policy, { kind: "run", event: "RUN_SUCCESS", run }, { baseUrl: null, now: NOW });
    expect(JSON.parse(message.body).data.url).toBeNull();
  });

  it("a Slack message is readable: escaped text with a link to the run and the policy", () => {
    const slack = { ...policy, destination: { type: "SLACK" as const, url: "https://hooks.slack.com/services/x" } };
    const message = buildAlertMessage(
      slack,
      { kind: "run", event: "RUN_FAILURE", run },
      {
        baseUrl: "https://fd.example.com",
        now: NOW,
      },
    );
    const body = JSON.parse(message.body);
    expect(body.text).toBe("Run 0190-run of demo/fails failed.");
    expect(body.blocks[0].text.text).toBe(
      "Run 0190-run of demo/fails failed.\n<https://fd.example.com/runs/0190-run|Open in Flightdeck>",
    );
    expect(body.blocks[1].elements[0].text).toBe("Alert policy *on-call &lt;team&gt;* · `team=data`");
  });

  it("overdue runs say for how long", () => {
    const started = { ...run, status: "STARTED" as const, started_at: NOW - 45 * 60_000, ended_at: null };
    const message = buildAlertMessage(
      policy,
      { kind: "run", event: "RUN_LONG_RUNNING", run: started },
      {
        baseUrl: null,
        now: NOW,
      },
    );
    expect(message.summary).toBe("Run 0190-run of demo/fails has been running for 45 min.");
    expect(JSON.parse(message.body).type).toBe("run.long_running");
  });

  it.each([
    [
      {
        kind: "tick" as const,
        event: "SENSOR_TICK_FAILURE" as const,
        tick: { kind: "SENSOR" as const, location: "demo", name: "new_files", tickId: "7", error: "boom" },
      },
      "sensor.tick_failure",
      "tick:SENSOR:7",
      "Sensor demo/new_files failed to tick: boom",
    ],
    [
      {
        kind: "code_location" as const,
        event: "CODE_LOCATION_LOAD_FAILURE" as const,
        name: "demo",
        error: "refused",
        at: 5,
      },
      "code_location.load_failure",
      "code_location:demo:5",
      "Code location demo failed to load: refused",
    ],
    [
      { kind: "test" as const, id: "t1" },
      "alert.test",
      "test:t1",
      "A test alert from Flightdeck: this destination receives alerts.",
    ],
  ])("%o is %s", (subject, type, key, summary) => {
    const message = buildAlertMessage(policy, subject, { baseUrl: null, now: NOW });
    expect(JSON.parse(message.body).type).toBe(type);
    expect(message.dedupeKey).toBe(key);
    expect(message.summary).toBe(summary);
    expect(message.runId).toBeNull();
  });
});
