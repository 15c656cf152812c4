/** Sensors: each with its status (start/stop), interval, cursor, and tick history with runs, skip reasons and errors. */
import { useSignal } from "@preact/signals";
import type { SensorSummary } from "../../../protocol/automation";
import { listSensors, listSensorTicks, setSensorRunning } from "../../api/automation";
import { Link } from "../../components/link";
import { EmptyState, ErrorNotice, Loading } from "../../components/notices";
import { PageHeader } from "../../components/page-header";
import { RelativeTime } from "../../components/time";
import { usePoll } from "../../stores/poll";
import { StatusToggle, TickTable } from "./ticks";

function SensorTicks({ sensor }: { sensor: SensorSummary }) {
  const ticks = usePoll(
    (signal) => listSensorTicks(sensor.location, sensor.name, signal),
    [sensor.location, sensor.name],
  );
  const list = ticks.data.value?.ticks;
  if (!list) return <Loading what="ticks" />;
  return <TickTable ticks={list.map((t) => ({ ...t, at: t.started_at }))} />;
}

function SensorCard({ sensor, onChanged }: { sensor: SensorSummary; onChanged: () => void }) {
  const open = useSignal(false);
  const kind = sensor.run_status ? `run status sensor: runs reaching ${sensor.run_status}` : "sensor";
  return (
    <section class="card" data-testid="sensor-row" data-sensor={sensor.name}>
      <div class="location-head">
        <h2 class="location-name">
          <Link
            href={`/sensors/${encodeURIComponent(sensor.location)}/${encodeURIComponent(sensor.name)}`}
            data-testid="sensor-link"
          >
            {sensor.name}
          </Link>
        </h2>
        <StatusToggle
          running={sensor.status === "RUNNING"}
          onToggle={async (running) => {
            await setSensorRunning(sensor.location, sensor.name, running);
            onChanged();
          }}
        />
      </div>
      <div class="kv">
        <span>Kind</span>
        <span>{kind}</span>
        <span>Job</span>
        <span>
          {sensor.job ?? <span class="muted">named by each run request</span>}
          <span class="muted small"> @ {sensor.location}</span>
        </span>
        <span>Every</span>
        <span>{sensor.minimum_interval_seconds} s at most</span>
        <span>Cursor</span>
        <span class="mono">{sensor.cursor ?? "—"}</span>
        <span>Last tick</span>
        <span>
          <RelativeTime ms={sensor.last_tick?.started_at ?? null} /> {sensor.last_tick?.status ?? ""}
        </span>
      </div>
      <button type="button" class="btn" data-testid="sensor-ticks" onClick={() => (open.value = !open.value)}>
        {open.value ? "Hide ticks" : "Show ticks"}
      </button>
      {open.value ? <SensorTicks sensor={sensor} /> : null}
    </section>
  );
}

export default function SensorsPage() {
  const sensors = usePoll((signal) => listSensors(signal), []);
  const list = sensors.data.value?.sensors;
  return (
    <div class="page" data-testid="sensors-page">
      <PageHeader title="Sensors" sub="Runs launched when something changes, each run key once." />
      <ErrorNotice error={sensors.error.value} title="Sensors could not be listed." />
      {list === undefined ? (
        sensors.error.value ? null : (
          <Loading what="sensors" />
        )
      ) : list.length === 0 ? (
        <EmptyState title="No sensors" testId="sensors-empty">
          Define one with <code>defineSensor</code> in a code location and reload it.
        </EmptyState>
      ) : (
        list.map((s) => <SensorCard key={`${s.location}/${s.name}`} sensor={s} onChanged={sensors.refresh} />)
      )}
    </div>
  );
}
