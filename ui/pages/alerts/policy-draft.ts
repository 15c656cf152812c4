/**
 * The alert policy form's state as text fields, and the two conversions: from a stored policy to
 * a draft, and from a draft to the API's body. Lists are comma-separated, tags `key=value`. The
 * server validates the body; this only turns text into its shape and says what it cannot read.
 */
import type { AlertEvent, AlertPolicy, AlertPolicyBody } from "../../../protocol/alerts";

export type PolicyDraft = {
  name: string;
  enabled: boolean;
  events: AlertEvent[];
  skipIfWillRetry: boolean;
  longRunningMinutes: string;
  longQueuedMinutes: string;
  destinationType: "WEBHOOK" | "SLACK";
  url: string;
  locations: string;
  jobs: string;
  tags: string;
};

export const EMPTY_DRAFT: PolicyDraft = {
  name: "",
  enabled: true,
  events: ["RUN_FAILURE"],
  skipIfWillRetry: true,
  longRunningMinutes: "",
  longQueuedMinutes: "",
  destinationType: "WEBHOOK",
  url: "",
  locations: "",
  jobs: "",
  tags: "",
};

export function draftOf(policy: AlertPolicy): PolicyDraft {
  return {
    name: policy.name,
    enabled: policy.enabled,
    events: [...policy.events],
    skipIfWillRetry: policy.skip_if_will_retry,
    longRunningMinutes: policy.long_running_minutes === null ? "" : String(policy.long_running_minutes),
    longQueuedMinutes: policy.long_queued_minutes === null ? "" : String(policy.long_queued_minutes),
    destinationType: policy.destination.type,
    url: policy.destination.url,
    locations: policy.filters.locations.join(", "),
    jobs: policy.filters.jobs.join(", "),
    tags: Object.entries(policy.filters.tags)
      .map(([k, v]) => `${k}=${v}`)
      .join(", "),
  };
}

function list(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

function minutes(text: string): number | null | string {
  if (text.trim() === "") return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : `"${text}" is not a number of minutes.`;
}

/** The body to send, or the first thing in the draft that cannot be read. */
export function bodyOf(draft: PolicyDraft): { ok: true; body: AlertPolicyBody } | { ok: false; error: string } {
  const tags: Record<string, string> = {};
  for (const pair of list(draft.tags)) {
    const at = pair.indexOf("=");
    if (at <= 0) return { ok: false, error: `Write each tag as key=value; "${pair}" is not.` };
    tags[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  const running = minutes(draft.longRunningMinutes);
  if (typeof running === "string") return { ok: false, error: running };
  const queued = minutes(draft.longQueuedMinutes);
  if (typeof queued === "string") return { ok: false, error: queued };
  return {
    ok: true,
    body: {
      name: draft.name,
      enabled: draft.enabled,
      events: draft.events,
      skip_if_will_retry: draft.skipIfWillRetry,
      long_running_minutes: running,
      long_queued_minutes: queued,
      filters: { locations: list(draft.locations), jobs: list(draft.jobs), tags },
      destination: { type: draft.destinationType, url: draft.url.trim() },
    },
  };
}
