/**
 * The event log of a run, a page of rows at a time read from the server (run-events.ts): filtered
 * there by level (DEBUG off by default, as in Dagster's log viewer), heartbeats hidden unless asked
 * for, by step (picked on the timeline) and by text. The newest page follows a live run; Older and
 * Newer walk the log by event id. Structured rows by default, or raw: each event as the JSON the
 * API returned, as Dagster's log viewer toggles. Times carry their date. Messages and data are
 * rendered as text, never as HTML.
 */
import { useSignal } from "@preact/signals";
import { ErrorEventDataSchema, type LogLevel, LogLevelSchema, type StoredEvent } from "../../../protocol/events";
import type { LogAnchor } from "../../api/run-log";
import { ErrorNotice } from "../../components/notices";
import { formatAbsolute, formatShort } from "../../lib/time";
import { ErrorView } from "./error-view";
import { useEventPage } from "./run-events";

const DEFAULT_LEVELS: ReadonlySet<LogLevel> = new Set(LogLevelSchema.options.filter((l) => l !== "DEBUG"));

function EventData({ event }: { event: StoredEvent }) {
  if (!event.data) return null;
  const error = ErrorEventDataSchema.safeParse(event.data);
  if (error.success) return <ErrorView error={error.data.error} />;
  return <code class="event-data">{JSON.stringify(event.data)}</code>;
}

function EventRow({ e }: { e: StoredEvent }) {
  const kind = e.type.startsWith("RUN_") ? "run" : e.type.startsWith("STEP_") ? "step" : "other";
  return (
    <tr data-testid="event-row" data-type={e.type} data-step={e.step_key ?? ""} class={`lvl-${e.level.toLowerCase()}`}>
      <td class="log-time mono nowrap" title={formatAbsolute(e.ts)}>
        {formatShort(e.ts)}
      </td>
      <td class="log-step mono">{e.step_key ?? ""}</td>
      <td class="log-type">
        <span class={`evt evt-${kind}`}>{e.type}</span>
      </td>
      <td class="log-level">{e.level === "INFO" ? "" : e.level}</td>
      <td class="log-msg">
        {e.message ? (
          <div class="msg" data-testid="event-message">
            {e.message}
          </div>
        ) : null}
        <EventData event={e} />
      </td>
    </tr>
  );
}

type Props = { runId: string; live: boolean; step: string | null; onClearStep: () => void };

export function EventLog({ runId, live, step, onClearStep }: Props) {
  const levels = useSignal<ReadonlySet<LogLevel>>(DEFAULT_LEVELS);
  const heartbeats = useSignal(false);
  const raw = useSignal(false);
  const query = useSignal("");
  const anchor = useSignal<LogAnchor>({ tail: true });
  const filter = { step, levels: levels.value, heartbeats: heartbeats.value, text: query.value };
  const page = useEventPage(runId, filter, anchor.value, live);
  const rows = page.events.value;
  const older = page.older.value;
  const matched = page.matched.value;
  const atOldest = older === 0;
  const atNewest = older + rows.length >= matched;
  const refilter = (change: () => void) => {
    change();
    anchor.value = { tail: true };
  };
  const toggle = (level: LogLevel) =>
    refilter(() => {
      const next = new Set(levels.value);
      if (next.has(level)) next.delete(level);
      else next.add(level);
      levels.value = next;
    });

  return (
    <div class="event-log" data-testid="event-log" data-state={page.ready.value ? "ready" : "loading"}>
      <div class="log-toolbar">
        <input
          class="input log-search"
          type="search"
          placeholder="Search events…"
          value={query.value}
          aria-label="Search events"
          data-testid="event-search"
          onInput={(e) => {
            const text = e.currentTarget.value;
            refilter(() => {
              query.value = text;
            });
          }}
        />
        <fieldset class="chip-group" aria-label="Levels">
          {LogLevelSchema.options.map((level) => (
            <button
              key={level}
              type="button"
              class={`chip level-${level.toLowerCase()}${levels.value.has(level) ? " on" : ""}`}
              aria-pressed={levels.value.has(level)}
              data-testid={`event-level-${level}`}
              onClick={() => toggle(level)}
            >
              {level}
            </button>
          ))}
        </fieldset>
        <button
          type="button"
          class={`chip${heartbeats.value ? " on" : ""}`}
          aria-pressed={heartbeats.value}
          data-testid="event-heartbeats"
          onClick={() =>
            refilter(() => {
              heartbeats.value = !heartbeats.value;
            })
          }
        >
          Heartbeats
        </button>
        <button
          type="button"
          class={`chip${raw.value ? " on" : ""}`}
          aria-pressed={raw.value}
          data-testid="event-raw"
          onClick={() => {
            raw.value = !raw.value;
          }}
        >
          Raw
        </button>
        {step !== null ? (
          <span class="chip on" data-testid="event-step-filter">
            step: {step}
            <button type="button" class="chip-x" aria-label="Show all steps" onClick={onClearStep}>
              ×
            </button>
          </span>
        ) : null}
        <span class="muted small log-count" data-testid="event-count">
          {matched.toLocaleString("en")} matching events
        </span>
      </div>
      <ErrorNotice error={page.error.value} />
      {!page.ready.value && rows.length === 0 ? (
        <div class="empty-inline loading">Loading events…</div>
      ) : rows.length === 0 ? (
        <div class="empty-inline" data-testid="event-log-empty">
          {levels.value.size === 0 || step !== null || query.value.trim() !== ""
            ? "No event matches these filters."
            : "No events yet."}
        </div>
      ) : raw.value ? (
        <pre class="log-raw" data-testid="event-raw-log">
          {rows.map((e) => `${JSON.stringify(e)}\n`).join("")}
        </pre>
      ) : (
        <table class="table log-table">
          <tbody>
            {rows.map((e) => (
              <EventRow key={e.id} e={e} />
            ))}
          </tbody>
        </table>
      )}
      {!(atOldest && atNewest) ? (
        <nav class="log-pager" aria-label="Event log pages" data-testid="event-pager">
          <button
            type="button"
            class="btn btn-small"
            disabled={atOldest}
            onClick={() => {
              anchor.value = { after: 0 };
            }}
          >
            Oldest
          </button>
          <button
            type="button"
            class="btn btn-small"
            disabled={atOldest}
            data-testid="event-page-older"
            onClick={() => {
              const first = rows[0];
              if (first) anchor.value = { before: first.id };
            }}
          >
            Older
          </button>
          <span class="small" data-testid="event-page" aria-live="polite">
            Events {(older + 1).toLocaleString("en")}–{(older + rows.length).toLocaleString("en")} of{" "}
            {matched.toLocaleString("en")}
          </span>
          <button
            type="button"
            class="btn btn-small"
            disabled={atNewest}
            data-testid="event-page-newer"
            onClick={() => {
              const last = rows.at(-1);
              if (last) anchor.value = { after: last.id };
            }}
          >
            Newer
          </button>
          <button
            type="button"
            class="btn btn-small"
            disabled={atNewest && "tail" in anchor.value}
            data-testid="event-page-newest"
            onClick={() => {
              anchor.value = { tail: true };
            }}
          >
            Newest
          </button>
        </nav>
      ) : null}
    </div>
  );
}
