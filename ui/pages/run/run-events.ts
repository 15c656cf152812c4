/**
 * A run's event log, followed live: fetches what came after the cursor every second, all pages
 * until caught up, and appends. Once the run has ended and a poll brings nothing new, it stops.
 * Failed polls (control plane restarting) are reported and retried; nothing is fetched twice. A 404
 * (no such run) stops it.
 */
import { type ReadonlySignal, type Signal, useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { StoredEvent } from "../../../protocol/events";
import { listEvents } from "../../api/endpoints";
import { isAbort, isNotFound, LIVE_INTERVAL_MS } from "../../stores/poll";

export type RunEvents = { events: Signal<StoredEvent[]>; error: Signal<unknown>; caughtUp: Signal<boolean> };

export function useRunEvents(runId: string, ended: ReadonlySignal<boolean>): RunEvents {
  const events = useSignal<StoredEvent[]>([]);
  const error = useSignal<unknown>(null);
  const caughtUp = useSignal(false);

  useEffect(() => {
    events.value = [];
    caughtUp.value = false;
    const abort = new AbortController();
    let cursor = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        // Read `ended` before fetching: an end seen before a poll that found nothing new is final.
        const endedBefore = ended.value;
        let fresh = 0;
        for (;;) {
          const page = await listEvents(runId, cursor, abort.signal);
          if (page.events.length > 0) events.value = [...events.value, ...page.events];
          fresh += page.events.length;
          const advanced = page.cursor !== cursor;
          cursor = page.cursor;
          if (!advanced || page.events.length < 1000) break;
        }
        error.value = null;
        caughtUp.value = true;
        if (endedBefore && fresh === 0) return;
      } catch (err) {
        if (isAbort(err)) return;
        error.value = err;
        // No such run: nothing will ever come, so stop asking.
        if (isNotFound(err)) return;
      }
      timer = setTimeout(() => void poll(), LIVE_INTERVAL_MS);
    };
    void poll();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, [runId]);

  return { events, error, caughtUp };
}
