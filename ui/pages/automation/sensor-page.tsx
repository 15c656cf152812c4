/**
 * One sensor (Dagster's sensor page): its status (start/stop), kind and interval, its cursor
 * (edit or reset), "Test" (evaluate with a cursor without launching), its tick timeline and
 * history with cursors, and the runs it launched.
 */
import { getSensor, listSensorTicks, setSensorCursor, setSensorRunning, testSensor } from "../../api/automation";
import { Link } from "../../components/link";
import { RelativeTime } from "../../components/time";
import type { RouteProps } from "../../routes";
import { usePoll } from "../../stores/poll";
import { InstigatorFrame, InstigatorTicks } from "./instigator-frame";
import { InstigatorRuns } from "./instigator-runs";
import { InstigatorTest } from "./instigator-test";
import { SensorCursor } from "./sensor-cursor";
import "./automation.css";

export default function SensorPage({ params }: RouteProps) {
  const location = params.location ?? "";
  const name = params.name ?? "";
  const sensor = usePoll((signal) => getSensor(location, name, signal), [location, name]);
  const saveCursor = async (cursor: string | null) => {
    await setSensorCursor(location, name, cursor);
    sensor.refresh();
  };
  return (
    <InstigatorFrame
      kind="sensor"
      location={location}
      name={name}
      polled={sensor}
      setRunning={(running) => setSensorRunning(location, name, running)}
    >
      {(s) => (
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
          <InstigatorTicks
            kind="sensor"
            deps={[location, name]}
            load={async (signal) =>
              (await listSensorTicks(location, name, signal, 100)).ticks.map((t) => ({ ...t, at: t.started_at }))
            }
          />
          <InstigatorRuns kind="sensor" location={location} name={name} />
        </>
      )}
    </InstigatorFrame>
  );
}
