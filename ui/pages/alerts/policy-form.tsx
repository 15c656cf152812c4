/** The form that creates or edits an alert policy: what to watch, which runs, where to send it. */
import { useSignal } from "@preact/signals";
import type { AlertEvent, AlertPolicy } from "../../../protocol/alerts";
import { AlertEventSchema } from "../../../protocol/alerts";
import { createAlertPolicy, updateAlertPolicy } from "../../api/alerts";
import { ErrorNotice } from "../../components/notices";
import { bodyOf, draftOf, EMPTY_DRAFT, type PolicyDraft } from "./policy-draft";

export const EVENT_LABELS: Record<AlertEvent, string> = {
  RUN_FAILURE: "Run failed",
  RUN_SUCCESS: "Run succeeded",
  RUN_CANCELED: "Run canceled",
  RUN_LONG_RUNNING: "Run running too long",
  RUN_LONG_QUEUED: "Run queued too long",
  SCHEDULE_TICK_FAILURE: "Schedule tick failed",
  SENSOR_TICK_FAILURE: "Sensor tick failed",
  CODE_LOCATION_LOAD_FAILURE: "Code location failed to load",
};

type Props = { policy: AlertPolicy | null; onDone: () => void; onCancel: () => void };

export function PolicyForm({ policy, onDone, onCancel }: Props) {
  const draft = useSignal<PolicyDraft>(policy ? draftOf(policy) : EMPTY_DRAFT);
  const busy = useSignal(false);
  const error = useSignal<unknown>(null);
  const d = draft.value;
  const set = (change: Partial<PolicyDraft>) => (draft.value = { ...draft.value, ...change });
  const toggle = (event: AlertEvent, on: boolean) =>
    set({ events: on ? [...d.events, event] : d.events.filter((e) => e !== event) });

  const save = async (e: Event) => {
    e.preventDefault();
    const body = bodyOf(draft.value);
    if (!body.ok) {
      error.value = new Error(body.error);
      return;
    }
    busy.value = true;
    error.value = null;
    try {
      if (policy) await updateAlertPolicy(policy.id, body.body);
      else await createAlertPolicy(body.body);
      onDone();
    } catch (err) {
      error.value = err;
    } finally {
      busy.value = false;
    }
  };

  const text = (label: string, key: keyof PolicyDraft, placeholder: string, testId: string) => (
    <label class="field">
      {label}
      <input
        class="input"
        data-testid={testId}
        placeholder={placeholder}
        value={String(d[key])}
        onInput={(e) => set({ [key]: e.currentTarget.value })}
      />
    </label>
  );

  return (
    <form class="card alert-form" data-testid="alert-policy-form" onSubmit={save}>
      <h2>{policy ? `Edit ${policy.name}` : "New alert policy"}</h2>
      {text("Name", "name", "on-call", "alert-name")}
      <fieldset class="alert-events">
        <legend>Alert on</legend>
        {AlertEventSchema.options.map((event) => (
          <label key={event} class="check">
            <input
              type="checkbox"
              data-testid={`alert-event-${event}`}
              checked={d.events.includes(event)}
              onChange={(e) => toggle(event, e.currentTarget.checked)}
            />{" "}
            {EVENT_LABELS[event]}
          </label>
        ))}
      </fieldset>
      {d.events.includes("RUN_FAILURE") ? (
        <label class="check">
          <input
            type="checkbox"
            checked={d.skipIfWillRetry}
            onChange={(e) => set({ skipIfWillRetry: e.currentTarget.checked })}
          />{" "}
          Skip failures that run retries will retry (alert once, for the last attempt)
        </label>
      ) : null}
      {d.events.includes("RUN_LONG_RUNNING")
        ? text("Running longer than (minutes)", "longRunningMinutes", "60", "alert-long-running")
        : null}
      {d.events.includes("RUN_LONG_QUEUED")
        ? text("Queued longer than (minutes)", "longQueuedMinutes", "15", "alert-long-queued")
        : null}
      {text("Only code locations (comma-separated; empty: all)", "locations", "demo", "alert-locations")}
      {text("Only jobs (comma-separated; empty: all)", "jobs", "etl, report", "alert-jobs")}
      {text("Only runs with tags (key=value, comma-separated)", "tags", "team=data", "alert-tags")}
      <label class="field">
        Send to
        <select
          class="input"
          data-testid="alert-destination-type"
          value={d.destinationType}
          onChange={(e) => set({ destinationType: e.currentTarget.value === "SLACK" ? "SLACK" : "WEBHOOK" })}
        >
          <option value="WEBHOOK">Webhook (signed JSON)</option>
          <option value="SLACK">Slack incoming webhook</option>
        </select>
      </label>
      {text("URL", "url", "https://example.com/flightdeck-alerts", "alert-url")}
      <label class="check">
        <input type="checkbox" checked={d.enabled} onChange={(e) => set({ enabled: e.currentTarget.checked })} />{" "}
        Enabled
      </label>
      <ErrorNotice error={error.value} title="The policy was not saved." />
      <div class="dialog-actions">
        <button type="button" class="btn" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" class="btn btn-primary" data-testid="alert-save" disabled={busy.value}>
          {busy.value ? "Saving…" : "Save"}
        </button>
      </div>
    </form>
  );
}
