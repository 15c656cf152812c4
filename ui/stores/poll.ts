/**
 * Live data by polling: a page asks for what it shows, again every interval, for as long as it is
 * mounted. Polling (rather than a stream) is what keeps pages live across a control plane
 * restart: a failed poll is shown and the next one simply tries again. The last good data stays
 * on screen while a poll fails, so a blip never blanks a page. A 404 is an answer, not a blip:
 * what the page shows does not exist, so polling stops (and `notFound` says so) instead of asking
 * again every second.
 */
import { type Signal, useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { ApiError } from "../api/client";

export const LIVE_INTERVAL_MS = 1000;

export type Polled<T> = {
  data: Signal<T | undefined>;
  error: Signal<unknown>;
  /** Polls now, without waiting for the interval. */
  refresh: () => void;
};

export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.status === 404;
}

export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === "AbortError";
}

export function usePoll<T>(
  fetcher: (signal: AbortSignal) => Promise<T>,
  deps: readonly unknown[],
  opts: { intervalMs?: number; enabled?: boolean } = {},
): Polled<T> {
  const data = useSignal<T | undefined>(undefined);
  const error = useSignal<unknown>(null);
  const kick = useRef<() => void>(() => {});
  const lastKey = useRef<string | null>(null);
  const enabled = opts.enabled ?? true;
  const interval = opts.intervalMs ?? LIVE_INTERVAL_MS;

  useEffect(() => {
    // New question, new answer: clear on a change of deps, not of interval or enabled.
    const key = JSON.stringify(deps);
    if (lastKey.current !== key) {
      lastKey.current = key;
      data.value = undefined;
      error.value = null;
    }
    if (!enabled) return;
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let inFlight = false;
    const tick = async () => {
      if (inFlight || abort.signal.aborted) return;
      inFlight = true;
      clearTimeout(timer);
      let stop = false;
      try {
        data.value = await fetcher(abort.signal);
        error.value = null;
      } catch (err) {
        if (!isAbort(err)) error.value = err;
        stop = isNotFound(err);
      } finally {
        inFlight = false;
        if (!abort.signal.aborted && !stop) timer = setTimeout(() => void tick(), interval);
      }
    };
    kick.current = () => void tick();
    void tick();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, [...deps, enabled, interval]);

  return { data, error, refresh: () => kick.current() };
}
