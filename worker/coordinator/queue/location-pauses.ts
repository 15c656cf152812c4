/**
 * Code locations whose launches wait because their server could not be reached (Dagster's
 * QueuedRunCoordinatorDaemon `_location_timeouts`, see launch-outcome.ts): pure rules over the
 * pauses the run coordinator object keeps in its SQLite (location-pause-store.ts).
 *
 * Dagster keeps only "paused until"; Flightdeck also keeps since when the location has been
 * unreachable, so that the queue can say "unreachable since …, next try at …". A pause lasts until
 * `until`; the streak (and `since`) ends with the first launch the location's server accepts.
 */
export type LocationPause = {
  readonly location: string;
  /** The first unreachable launch of the current streak. */
  readonly since: number;
  /** No run of the location is launched before this. */
  readonly until: number;
  /** What the last failed launch said. */
  readonly reason: string;
};

/** The location's pause after another launch could not reach it at `now`. */
export function pauseAfterUnreachable(
  previous: LocationPause | null,
  request: { readonly location: string; readonly until: number; readonly reason: string },
  now: number,
): LocationPause {
  return { ...request, since: previous?.since ?? now };
}

/** The locations whose runs may not launch at `now`. */
export function pausedLocationsAt(pauses: Iterable<LocationPause>, now: number): Map<string, LocationPause> {
  const paused = new Map<string, LocationPause>();
  for (const pause of pauses) if (pause.until > now) paused.set(pause.location, pause);
  return paused;
}

/** When the earliest pause ends (the object admits again then), or null. */
export function nextPauseEnd(pauses: Iterable<LocationPause>, now: number): number | null {
  let next: number | null = null;
  for (const pause of pauses) if (pause.until > now && (next === null || pause.until < next)) next = pause.until;
  return next;
}
