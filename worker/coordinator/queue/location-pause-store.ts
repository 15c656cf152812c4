/**
 * The code locations whose launches wait (location-pauses.ts), in the run coordinator object's
 * SQLite table `location_pauses` (coordinator-schema.ts), with an in-memory copy that every
 * admission pass reads. Dagster keeps these in the daemon's memory and forgets them on restart;
 * here they survive one, so a restarted object does not hammer a server that is down.
 */
import { type LocationPause, nextPauseEnd, pauseAfterUnreachable, pausedLocationsAt } from "./location-pauses";

export class LocationPauseStore {
  #pauses: Map<string, LocationPause> | null = null;

  constructor(private readonly storage: DurableObjectStorage) {}

  #map(): Map<string, LocationPause> {
    if (!this.#pauses) {
      this.#pauses = new Map();
      for (const row of this.storage.sql.exec("SELECT * FROM location_pauses")) {
        const pause = {
          location: String(row.location),
          since: Number(row.since),
          until: Number(row.until),
          reason: String(row.reason),
        };
        this.#pauses.set(pause.location, pause);
      }
    }
    return this.#pauses;
  }

  list(): LocationPause[] {
    return [...this.#map().values()];
  }

  pausedAt(now: number): Map<string, LocationPause> {
    return pausedLocationsAt(this.#map().values(), now);
  }

  nextEnd(now: number): number | null {
    return nextPauseEnd(this.#map().values(), now);
  }

  /** Another launch could not reach `request.location`: its runs wait until `request.until`. */
  pause(request: { location: string; until: number; reason: string }, now: number): void {
    const pause = pauseAfterUnreachable(this.#map().get(request.location) ?? null, request, now);
    this.storage.sql.exec(
      "INSERT INTO location_pauses (location, since, until, reason) VALUES (?, ?, ?, ?) ON CONFLICT (location) DO UPDATE SET since = excluded.since, until = excluded.until, reason = excluded.reason",
      pause.location,
      pause.since,
      pause.until,
      pause.reason,
    );
    this.#map().set(pause.location, pause);
  }

  /** A launch reached the location's server: its streak of failures is over. */
  reached(location: string): void {
    if (!this.#map().has(location)) return;
    this.storage.sql.exec("DELETE FROM location_pauses WHERE location = ?", location);
    this.#map().delete(location);
  }
}
