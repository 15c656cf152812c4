/**
 * One sensor (Dagster's sensor page): its status (start/stop), kind and interval, its cursor
 * (edit or reset), "Test" (evaluate with a cursor without launching), its tick timeline and
 * history with cursors, and the runs it launched.
 */
import { getSensor, listSensorTicks, setSensorCursor, setSensorRunning, testSensor } from "../../api/automation";
import { Link } from "../../components/link";
import { EmptyState, ErrorNotice, Loading } from "../../components/notices";
import { PageHeader } from "../../components/page-header";
import { RelativeTime } from "../../components/time";
import { now } from "../../lib/time";
import type { RouteProps } from "../../routes";
import { isNotFound, usePoll } from "../../stores/poll";
import { InstigatorRuns } from "./instigator-runs";
import { InstigatorTest } from "./instigator-test";
import { SensorCursor } from "./sensor-cursor";
import { TickTimeline } from "./tick-timeline";
import { StatusToggle, TickTable } from "./ticks";
import "./automation.css";

function SensorTicks({ location, name }: { location: string; name: string }) {
  const ticks = usePoll((signal) => listSensorTicks(location, name, signal, 100), [location, name]);
  const list = ticks.data.value?.ticks.map((t) => ({ ...t, at: t.started_at }));
  return (
    <section class="card" data-testid="sensor-ticks">
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

export default function SensorPage({ params }: RouteProps) {
  const location = params.location ?? "";
  const name = params.name ?? "";
  const sensor = usePoll((signal) => getSensor(location, name, signal), [location, name]);
  const s = sensor.data.value;
  if (isNotFound(sensor.error.value)) {
    return (
      <div class="page">
        <PageHeader title={name} />
        <EmptyState title="No such sensor" testId="sensor-not-found">
          No sensor "{name}" in code location "{location}". <Link href="/sensors">See the sensors there are.</Link>
        </EmptyState>
      </div>
    );
  }
  const saveCursor = async (cursor: string | null) => {
    await setSensorCursor(location, name, cursor);
    sensor.refresh();
  };
  return (
    <div class="page" data-testid="sensor-page">
      <PageHeader
        title={name}
        sub={
          <>
            <Link href="/sensors">Sensors</Link> · {location}
          </>
        }
        actions={
          s ? (
            <StatusToggle
              running={s.status === "RUNNING"}
              onToggle={async (running) => {
                await setSensorRunning(location, name, running);
                sensor.refresh();
              }}
            />
          ) : null
        }
      />
      <ErrorNotice error={sensor.error.value} title="The sensor could not be loaded." />
      {!s ? (
        sensor.error.value ? null : (
          <Loading what="the sensor" />
        )
      ) : (
        <>
          <section class="card">
            <div class="kv">
              <span>Kind</span>
              <span>{s.run_status ? `run status sensor: runs reaching ${s.run_status}` : "sensor"}</span>
              <span>Job</span>
              <span>
                {s.job ? (
                  <Link href={`/jobs/${s.location}/${s.job}`}>{s.job}</Link>
                ) : (
                  <span class="muted">named by each run request</span>
                )}
              </span>
              <span>Every</span>
              <span>{s.minimum_interval_seconds} s at most</span>
              <span>Cursor</span>
              <SensorCursor cursor={s.cursor} save={saveCursor} />
              <span>Last tick</span>
              <span>
                <RelativeTime ms={s.last_tick?.started_at ?? null} /> {s.last_tick?.status ?? ""}
              </span>
              {s.description ? (
                <>
                  <span>About</span>
                  <span>{s.description}</span>
                </>
              ) : null}
            </div>
          </section>
          {s.run_status ? (
            <section class="card muted small" data-testid="instigator-test-unavailable">
              A run status sensor is evaluated once for each run that reaches {s.run_status}, so it has nothing to be
              tested with here.
            </section>
          ) : (
            <InstigatorTest
              // Remounted when the stored cursor changes, so the test starts from the cursor shown above.
              key={s.cursor ?? ""}
              kind="sensor"
              cursor={s.cursor}
              evaluate={(cursor) => testSensor(location, name, cursor)}
              saveCursor={saveCursor}
            />
          )}
          <SensorTicks location={location} name={name} />
          <InstigatorRuns kind="sensor" location={location} name={name} />
        </>
      )}
    </div>
  );
}
