/**
 * What an alert says, built once when it is raised so every attempt sends the same bytes: the
 * `type`-tagged JSON body of a webhook (protocol/alerts.ts, README "Alerts"), or a Slack message
 * a person can read, with a link into the dashboard when the control plane knows its PUBLIC_URL.
 */
import type { AlertEvent, AlertPolicy, AlertWebhookBody, JsonObject, Run } from "../../protocol";
import { ALERT_BODY_TYPE } from "../../protocol";

export type AlertSubject =
  | { kind: "run"; event: AlertEvent; run: Run }
  | { kind: "tick"; event: AlertEvent; tick: TickFailure }
  | { kind: "code_location"; event: AlertEvent; name: string; error: string | null; at: number }
  | { kind: "test"; id: string };

export type TickFailure = {
  kind: "SCHEDULE" | "SENSOR";
  location: string;
  name: string;
  tickId: string;
  error: string | null;
};

export type AlertMessage = {
  event: AlertEvent | "TEST";
  /** Unique per policy: the claim that makes raising idempotent. */
  dedupeKey: string;
  summary: string;
  runId: string | null;
  body: string;
};

export function dedupeKeyOf(subject: AlertSubject): string {
  switch (subject.kind) {
    case "run":
      return `run:${subject.run.id}:${subject.event}`;
    case "tick":
      return `tick:${subject.tick.kind}:${subject.tick.tickId}`;
    case "code_location":
      return `code_location:${subject.name}:${subject.at}`;
    case "test":
      return `test:${subject.id}`;
  }
}

function minutes(ms: number): string {
  const m = ms / 60_000;
  return m < 1 ? `${Math.round(ms / 1000)} s` : `${Math.round(m * 10) / 10} min`;
}

export function summaryOf(subject: AlertSubject, now: number): string {
  switch (subject.kind) {
    case "run": {
      const { run } = subject;
      const which = `Run ${run.id} of ${run.location}/${run.job}`;
      switch (subject.event) {
        case "RUN_FAILURE":
          return `${which} failed.`;
        case "RUN_SUCCESS":
          return `${which} succeeded.`;
        case "RUN_CANCELED":
          return `${which} was canceled.`;
        case "RUN_LONG_RUNNING":
          return `${which} has been running for ${minutes(now - (run.started_at ?? now))}.`;
        case "RUN_LONG_QUEUED":
          return `${which} has been queued for ${minutes(now - run.created_at)}.`;
        default:
          return `${which}: ${subject.event}.`;
      }
    }
    case "tick": {
      const what = subject.tick.kind === "SCHEDULE" ? "Schedule" : "Sensor";
      return `${what} ${subject.tick.location}/${subject.tick.name} failed to tick: ${subject.tick.error ?? "no error given"}`;
    }
    case "code_location":
      return `Code location ${subject.name} failed to load: ${subject.error ?? "no error given"}`;
    case "test":
      return "A test alert from Flightdeck: this destination receives alerts.";
  }
}

function linkOf(subject: AlertSubject, baseUrl: string | null): string | null {
  if (baseUrl === null) return null;
  switch (subject.kind) {
    case "run":
      return `${baseUrl}/runs/${encodeURIComponent(subject.run.id)}`;
    case "tick":
      return `${baseUrl}/${subject.tick.kind === "SCHEDULE" ? "schedules" : "sensors"}`;
    case "code_location":
      return `${baseUrl}/locations`;
    case "test":
      return `${baseUrl}/alerts`;
  }
}

function eventOf(subject: AlertSubject): AlertEvent | "TEST" {
  return subject.kind === "test" ? "TEST" : subject.event;
}

export function webhookBodyOf(
  policy: Pick<AlertPolicy, "id" | "name">,
  subject: AlertSubject,
  opts: { baseUrl: string | null; now: number },
): AlertWebhookBody {
  const data: AlertWebhookBody["data"] = {
    policy: { id: policy.id, name: policy.name },
    summary: summaryOf(subject, opts.now),
    url: linkOf(subject, opts.baseUrl),
  };
  if (subject.kind === "run") {
    const { run } = subject;
    data.run = {
      id: run.id,
      location: run.location,
      job: run.job,
      status: run.status,
      tags: run.tags,
      attempt: run.attempt,
      root_run_id: run.root_run_id,
      created_at: run.created_at,
      started_at: run.started_at,
      ended_at: run.ended_at,
    };
  } else if (subject.kind === "tick") {
    const { tick } = subject;
    data.tick = { kind: tick.kind, location: tick.location, name: tick.name, tick_id: tick.tickId, error: tick.error };
  } else if (subject.kind === "code_location") {
    data.code_location = { name: subject.name, error: subject.error };
  }
  return { type: ALERT_BODY_TYPE[eventOf(subject)], timestamp: new Date(opts.now).toISOString(), data };
}

/** Slack's mrkdwn treats these three as control characters; everything else is literal. */
function escapeSlack(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

const MAX_SLACK_TEXT = 2900; // a section block's text holds 3000 characters

/** An incoming-webhook message: a headline with the link, then the policy and the run's tags. */
export function slackMessageOf(policy: Pick<AlertPolicy, "name">, subject: AlertSubject, body: AlertWebhookBody) {
  const summary = escapeSlack(body.data.summary).slice(0, MAX_SLACK_TEXT);
  const headline = body.data.url ? `${summary}\n<${body.data.url}|Open in Flightdeck>` : summary;
  const context = [`Alert policy *${escapeSlack(policy.name)}*`];
  if (subject.kind === "run") {
    const tags = Object.entries(subject.run.tags).map(([k, v]) => `\`${escapeSlack(k)}=${escapeSlack(v)}\``);
    if (tags.length > 0) context.push(tags.join(" ").slice(0, 1000));
  }
  return {
    text: body.data.summary,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: headline } },
      { type: "context", elements: [{ type: "mrkdwn", text: context.join(" · ") }] },
    ],
  } satisfies JsonObject;
}

export function buildAlertMessage(
  policy: Pick<AlertPolicy, "id" | "name" | "destination">,
  subject: AlertSubject,
  opts: { baseUrl: string | null; now: number },
): AlertMessage {
  const body = webhookBodyOf(policy, subject, opts);
  const sent = policy.destination.type === "SLACK" ? slackMessageOf(policy, subject, body) : body;
  return {
    event: eventOf(subject),
    dedupeKey: dedupeKeyOf(subject),
    summary: body.data.summary,
    runId: subject.kind === "run" ? subject.run.id : null,
    body: JSON.stringify(sent),
  };
}
