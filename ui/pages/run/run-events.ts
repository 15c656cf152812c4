/**
 * One page of a run's event log, read from the server (keyset-paged by event id, filtered there),
 * so a run with 10,000 events costs the page a hundred rows, never the whole log. The newest page
 * (`tail`) follows a live run: it is re-read every second until the run has ended. Older and newer
 * pages are read once. A 404 (no such run) stops it; other failures are reported and retried.
 */
import { type Signal, useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { StoredEvent } from "../../../protocol/events";
import { type LogAnchor, type LogFilter, listEventPage } from "../../api/run-log";
import { isAbort, isNotFound, LIVE_INTERVAL_MS } from "../../stores/poll";

export const EVENT_PAGE_SIZE = 100;

export type EventPageState = {
  events: Signal<StoredEvent[]>;
  /** Events matching the filter, and how many of them are older than this page. */
  matched: Signal<number>;
  older: Signal<number>;
  error: Signal<unknown>;
  /** False while the page for the current filter and anchor is on its way. */
  ready: Signal<boolean>;
};

export function useEventPage(runId: string, filter: LogFilter, anchor: LogAnchor, live: boolean): EventPageState {
  const events = useSignal<StoredEvent[]>([]);
  const matched = useSignal(0);
  const older = useSignal(0);
  const error = useSignal<unknown>(null);
  const ready = useSignal(false);
  const filterKey = JSON.stringify([filter.step, [...filter.levels].sort(), filter.heartbeats, filter.text.trim()]);
  const anchorKey = JSON.stringify(anchor);

  useEffect(() => {
    ready.value = false;
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const follow = "tail" in anchor && live;
    const load = async () => {
      try {
        if (filter.levels.size === 0) {
          // No level chosen: nothing can match, and the API wants at least one.
          events.value = [];
          matched.value = 0;
          older.value = 0;
        } else {
          const page = await listEventPage(runId, filter, anchor, EVENT_PAGE_SIZE, abort.signal);
          events.value = page.events;
          matched.value = page.matched ?? page.events.length;
          older.value = page.older ?? 0;
        }
        error.value = null;
        ready.value = true;
      } catch (err) {
        if (isAbort(err)) return;
        error.value = err;
        if (isNotFound(err)) return;
        timer = setTimeout(() => void load(), LIVE_INTERVAL_MS);
        return;
      }
      if (follow) timer = setTimeout(() => void load(), LIVE_INTERVAL_MS);
    };
    void load();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, [runId, filterKey, anchorKey, live]);

  return { events, matched, older, error, ready };
}
