/**
 * The daemon's part when a code location loads (registered, replaced or reloaded): its schedules
 * whose default status is RUNNING are taken up at once. Dagster's daemon finds them on its next
 * loop over the workspace, seconds later; here that loop is a one-minute Cron Trigger whose first
 * pass over a new schedule only records it (cursor at that pass), which would cost the schedule
 * its first tick. So each such schedule gets its state now, cursor at the load (a no-op when it
 * has one), and the first cron boundary after the load runs its tick.
 *
 * Sensors are not woken here: the first cron minute evaluates a default-RUNNING sensor, and from
 * then on the run coordinator's alarm keeps to its interval.
 *
 * A failure is logged and swallowed: the location is registered either way, and the next cron
 * pass takes the schedules up on its own (one tick later).
 */
import type { Definitions } from "../../protocol";
import type { Database } from "../storage/db";
import { ensureScheduleState } from "../storage/schedules-repo";

export async function takeUpLoadedSchedules(
  db: Database,
  location: string,
  definitions: Pick<Definitions, "schedules">,
  now: number,
): Promise<void> {
  try {
    for (const schedule of definitions.schedules) {
      if (schedule.default_status === "RUNNING") await ensureScheduleState(db, location, schedule.name, now);
    }
  } catch (error) {
    console.error(`daemon: could not take up the schedules of ${location} as it loaded:`, error);
  }
}
