/**
 * The event log of a run: every event in order, filtered by level, by step (picked on the
 * timeline) and by text. Messages and data are rendered as text, never as HTML.
 */
import { useSignal } from "@preact/signals";
import { ErrorEventDataSchema, type LogLevel, LogLevelSchema, type StoredEvent } from "../../../protocol/events";
import { formatAbsolute, formatClock } from "../../lib/time";
import { ErrorView } from "./error-view";

const MAX_SHOWN = 2000;

function matches(e: StoredEvent, needle: string): boolean {
  if (!needle) return true;
  const hay = `${e.type} ${e.step_key ?? ""} ${e.message ?? ""} ${e.data ? JSON.stringify(e.data) : ""}`.toLowerCase();
  return hay.includes(needle);
}

function EventData({ event }: { event: StoredEvent }) {
  if (!event.data) return null;
  const error = ErrorEventDataSchema.safeParse(event.data);
  if (error.success) return <ErrorView error={error.data.error} />;
  return <code class="event-data">{JSON.stringify(event.data)}</code>;
}

type Props = { events: StoredEvent[]; step: string | null; onClearStep: () => void };

export function EventLog({ events, step, onClearStep }: Props) {
  const levels = useSignal<ReadonlySet<LogLevel>>(new Set(LogLevelSchema.options));
  const query = useSignal("");
  const needle = query.value.trim().toLowerCase();
  const shown = events.filter(
    (e) => levels.value.has(e.level) && (step === null || e.step_key === step) && matches(e, needle),
  );
  const toggle = (level: LogLevel) => {
    const next = new Set(levels.value);
    if (next.has(level)) next.delete(level);
    else next.add(level);
    levels.value = next;
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
      ) : (
        <table class="table log-table">
          <tbody>
            {shown.slice(-MAX_SHOWN).map((e) => (
              <tr
                key={e.id}
                data-testid="event-row"
                data-type={e.type}
                data-step={e.step_key ?? ""}
                class={`lvl-${e.level.toLowerCase()}`}
              >
                <td class="log-time mono nowrap" title={formatAbsolute(e.ts)}>
                  {formatClock(e.ts)}
                </td>
                <td class="log-step mono">{e.step_key ?? ""}</td>
                <td class="log-type">
                  <span
                    class={`evt evt-${e.type.startsWith("RUN_") ? "run" : e.type.startsWith("STEP_") ? "step" : "other"}`}
                  >
                    {e.type}
                  </span>
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
            ))}
          </tbody>
        </table>
      )}
      {shown.length > MAX_SHOWN ? (
        <div class="muted small">Showing the last {MAX_SHOWN} matching events; search to narrow.</div>
      ) : null}
    </div>
  );
}
