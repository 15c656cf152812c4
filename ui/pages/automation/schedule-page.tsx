/**
 * One schedule (Dagster's schedule page): its status (start/stop), cron in words, next ticks in
 * your time zone, "Test" (evaluate a tick without launching), its tick timeline and history, and
 * the runs it launched.
 */
import { getSchedule, listScheduleTicks, setScheduleRunning, testSchedule } from "../../api/automation";
import { Link } from "../../components/link";
import { EmptyState, ErrorNotice, Loading } from "../../components/notices";
import { PageHeader } from "../../components/page-header";
import { now } from "../../lib/time";
import type { RouteProps } from "../../routes";
import { isNotFound, usePoll } from "../../stores/poll";
import { InstigatorRuns } from "./instigator-runs";
import { InstigatorTest } from "./instigator-test";
import { ScheduleFacts } from "./schedule-facts";
import { TickTimeline } from "./tick-timeline";
import { StatusToggle, TickTable } from "./ticks";
import "./automation.css";

function ScheduleTicks({ location, name }: { location: string; name: string }) {
  const ticks = usePoll((signal) => listScheduleTicks(location, name, signal, 100), [location, name]);
  const list = ticks.data.value?.ticks.map((t) => ({ ...t, at: t.scheduled_time }));
  return (
    <section class="card" data-testid="schedule-ticks">
      <h2>Ticks</h2>
      <ErrorNotice error={ticks.error.value} title="The ticks could not be listed." />
      {list === undefined ? null : (
        <>
          <TickTimeline ticks={list} now={now.value} />
          <TickTable ticks={list} />
        </>
      )}
    </section>
  );
}

export default function SchedulePage({ params }: RouteProps) {
  const location = params.location ?? "";
  const name = params.name ?? "";
  const schedule = usePoll((signal) => getSchedule(location, name, signal), [location, name]);
  const s = schedule.data.value;
  if (isNotFound(schedule.error.value)) {
    return (
      <div class="page">
        <PageHeader title={name} />
        <EmptyState title="No such schedule" testId="schedule-not-found">
          No schedule "{name}" in code location "{location}".{" "}
          <Link href="/schedules">See the schedules there are.</Link>
        </EmptyState>
      </div>
    );
  }
  return (
    <div class="page" data-testid="schedule-page">
      <PageHeader
        title={name}
        sub={
          <>
            <Link href="/schedules">Schedules</Link> · {location}
          </>
        }
        actions={
          s ? (
            <StatusToggle
              running={s.status === "RUNNING"}
              onToggle={async (running) => {
                await setScheduleRunning(location, name, running);
                schedule.refresh();
              }}
            />
          ) : null
        }
      />
      <ErrorNotice error={schedule.error.value} title="The schedule could not be loaded." />
      {!s ? (
        schedule.error.value ? null : (
          <Loading what="the schedule" />
        )
      ) : (
        <>
          <section class="card">
            <ScheduleFacts schedule={s} />
          </section>
          <InstigatorTest
            kind="schedule"
            nextTicks={s.next_ticks}
            evaluate={(at) => testSchedule(location, name, at)}
          />
          <ScheduleTicks location={location} name={name} />
          <InstigatorRuns kind="schedule" location={location} name={name} />
        </>
      )}
    </div>
  );
}
