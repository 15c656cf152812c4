/**
 * One schedule (Dagster's schedule page): its status (start/stop), cron in words, next ticks in
 * your time zone, "Test" (evaluate a tick without launching), its tick timeline and history, and
 * the runs it launched.
 */
import { getSchedule, listScheduleTicks, setScheduleRunning, testSchedule } from "../../api/automation";
import type { RouteProps } from "../../routes";
import { usePoll } from "../../stores/poll";
import { InstigatorFrame, InstigatorTicks } from "./instigator-frame";
import { InstigatorRuns } from "./instigator-runs";
import { InstigatorTest } from "./instigator-test";
import { ScheduleFacts } from "./schedule-facts";
import "./automation.css";

export default function SchedulePage({ params }: RouteProps) {
  const location = params.location ?? "";
  const name = params.name ?? "";
  const schedule = usePoll((signal) => getSchedule(location, name, signal), [location, name]);
  return (
    <InstigatorFrame
      kind="schedule"
      location={location}
      name={name}
      polled={schedule}
      setRunning={(running) => setScheduleRunning(location, name, running)}
    >
      {(s) => (
        <>
          <section class="card">
            <ScheduleFacts schedule={s} />
          </section>
          <InstigatorTest
            kind="schedule"
            nextTicks={s.next_ticks}
            evaluate={(at) => testSchedule(location, name, at)}
          />
          <InstigatorTicks
            kind="schedule"
            deps={[location, name]}
            load={async (signal) =>
              (await listScheduleTicks(location, name, signal, 100)).ticks.map((t) => ({ ...t, at: t.scheduled_time }))
            }
          />
          <InstigatorRuns kind="schedule" location={location} name={name} />
        </>
      )}
    </InstigatorFrame>
  );
}
