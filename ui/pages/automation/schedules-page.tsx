/** Schedules: each with its status (start/stop), its cron in words, next ticks in your time zone, and tick history. */
import { useSignal } from "@preact/signals";
import type { ScheduleSummary } from "../../../protocol/automation";
import { listSchedules, listScheduleTicks, setScheduleRunning } from "../../api/automation";
import { Link } from "../../components/link";
import { EmptyState, ErrorNotice, Loading } from "../../components/notices";
import { PageHeader } from "../../components/page-header";
import { usePoll } from "../../stores/poll";
import { ScheduleFacts } from "./schedule-facts";
import { StatusToggle, TickTable } from "./ticks";

function ScheduleTicks({ schedule }: { schedule: ScheduleSummary }) {
  const ticks = usePoll(
    (signal) => listScheduleTicks(schedule.location, schedule.name, signal),
    [schedule.location, schedule.name],
  );
  const list = ticks.data.value?.ticks;
  if (!list) return <Loading what="ticks" />;
  return <TickTable ticks={list.map((t) => ({ ...t, at: t.scheduled_time }))} />;
}

function ScheduleCard({ schedule, onChanged }: { schedule: ScheduleSummary; onChanged: () => void }) {
  const open = useSignal(false);
  return (
    <section class="card" data-testid="schedule-row" data-schedule={schedule.name}>
      <div class="location-head">
        <h2 class="location-name">
          <Link
            href={`/schedules/${encodeURIComponent(schedule.location)}/${encodeURIComponent(schedule.name)}`}
            data-testid="schedule-link"
          >
            {schedule.name}
          </Link>
        </h2>
        <StatusToggle
          running={schedule.status === "RUNNING"}
          onToggle={async (running) => {
            await setScheduleRunning(schedule.location, schedule.name, running);
            onChanged();
          }}
        />
      </div>
      <ScheduleFacts schedule={schedule} />
      <button type="button" class="btn" data-testid="schedule-ticks" onClick={() => (open.value = !open.value)}>
        {open.value ? "Hide ticks" : "Show ticks"}
      </button>
      {open.value ? <ScheduleTicks schedule={schedule} /> : null}
    </section>
  );
}

export default function SchedulesPage() {
  const schedules = usePoll((signal) => listSchedules(signal), []);
  const list = schedules.data.value?.schedules;
  return (
    <div class="page" data-testid="schedules-page">
      <PageHeader title="Schedules" sub="Runs launched on a cron, in each schedule's time zone." />
      <ErrorNotice error={schedules.error.value} title="Schedules could not be listed." />
      {list === undefined ? (
        schedules.error.value ? null : (
          <Loading what="schedules" />
        )
      ) : list.length === 0 ? (
        <EmptyState title="No schedules" testId="schedules-empty">
          Define one with <code>defineSchedule</code> in a code location and reload it.
        </EmptyState>
      ) : (
        list.map((s) => <ScheduleCard key={`${s.location}/${s.name}`} schedule={s} onChanged={schedules.refresh} />)
      )}
    </div>
  );
}
