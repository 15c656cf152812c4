/** What a schedule is, as the schedules list and the schedule's page both show it. */
import type { ScheduleSummary } from "../../../protocol/automation";
import { Link } from "../../components/link";
import { AbsoluteTime } from "../../components/time";

export function ScheduleFacts({ schedule }: { schedule: ScheduleSummary }) {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <div class="kv">
      <span>Job</span>
      <span>
        <Link href={`/jobs/${schedule.location}/${schedule.job}`}>{schedule.job}</Link>
        <span class="muted small"> @ {schedule.location}</span>
      </span>
      <span>When</span>
      <span data-testid="schedule-words">
        {schedule.cron_description} <span class="muted small">({schedule.execution_timezone})</span>
      </span>
      <span>Cron</span>
      <span class="mono">{schedule.cron_schedule}</span>
      <span>Next ticks</span>
      <span data-testid="schedule-next">
        {schedule.next_ticks.slice(0, 3).map((t, i) => (
          <span key={t}>
            {i > 0 ? " · " : ""}
            <AbsoluteTime ms={t} />
          </span>
        ))}{" "}
        <span class="muted small">({zone})</span>
      </span>
      {schedule.description ? (
        <>
          <span>About</span>
          <span>{schedule.description}</span>
        </>
      ) : null}
    </div>
  );
}
