/**
 * The event log of a run, a page of rows at a time (event-filter.ts): filtered by level (DEBUG off
 * by default), heartbeats hidden unless asked for, by step (picked on the timeline) and by text.
 * Structured rows by default, or raw: each event as the JSON the API returned, as Dagster's log
 * viewer toggles. Times carry their date. Messages and data are rendered as text, never as HTML.
 */
import { useSignal } from "@preact/signals";
import { ErrorEventDataSchema, type LogLevel, LogLevelSchema, type StoredEvent } from "../../../protocol/events";
import { formatAbsolute, formatShort } from "../../lib/time";
import { ErrorView } from "./error-view";
import { DEFAULT_LEVELS, matchesEvent, pageOf } from "./event-filter";

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

type Props = { events: StoredEvent[]; step: string | null; onClearStep: () => void };

export function EventLog({ events, step, onClearStep }: Props) {
  const levels = useSignal<ReadonlySet<LogLevel>>(DEFAULT_LEVELS);
  const heartbeats = useSignal(false);
  const raw = useSignal(false);
  const query = useSignal("");
  /** null: the newest page, following a live run. */
  const wanted = useSignal<number | null>(null);
  const filter = { levels: levels.value, heartbeats: heartbeats.value, step, needle: query.value.trim().toLowerCase() };
  const shown = events.filter((e) => matchesEvent(e, filter));
  const page = pageOf(shown.length, wanted.value);
  const rows = shown.slice(page.from, page.to);
  const toggle = (level: LogLevel) => {
    const next = new Set(levels.value);
    if (next.has(level)) next.delete(level);
    else next.add(level);
    levels.value = next;
    wanted.value = null;
  };
  const goTo = (index: number | null) => {
    wanted.value = index === null || index >= page.count - 1 ? null : Math.max(0, index);
  };

  return (
    <div class="event-log" data-testid="event-log">
      <div class="log-toolbar">
        <input
          class="input log-search"
          type="search"
          placeholder="Search events…"
          value={query.value}
          aria-label="Search events"
          data-testid="event-search"
          onInput={(e) => {
            query.value = e.currentTarget.value;
            wanted.value = null;
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
          onClick={() => {
            heartbeats.value = !heartbeats.value;
          }}
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
          {shown.length} of {events.length} events
        </span>
      </div>
      {shown.length === 0 ? (
        <div class="empty-inline" data-testid="event-log-empty">
          {events.length === 0 ? "No events yet." : "No event matches these filters."}
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
      {page.count > 1 ? (
        <nav class="log-pager" aria-label="Event log pages" data-testid="event-pager">
          <button type="button" class="btn btn-small" disabled={page.index === 0} onClick={() => goTo(0)}>
            Oldest
          </button>
          <button
            type="button"
            class="btn btn-small"
            disabled={page.index === 0}
            data-testid="event-page-older"
            onClick={() => goTo(page.index - 1)}
          >
            Older
          </button>
          <span class="small" data-testid="event-page" aria-live="polite">
            Events {page.from + 1}–{page.to} of {shown.length}
          </span>
          <button
            type="button"
            class="btn btn-small"
            disabled={page.index === page.count - 1}
            data-testid="event-page-newer"
            onClick={() => goTo(page.index + 1)}
          >
            Newer
          </button>
          <button
            type="button"
            class="btn btn-small"
            disabled={page.index === page.count - 1}
            onClick={() => goTo(null)}
          >
            Newest
          </button>
        </nav>
      ) : null}
    </div>
  );
}
