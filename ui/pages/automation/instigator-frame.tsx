/**
 * What a schedule's page and a sensor's page share: the frame (not found, header with the
 * start/stop toggle, load error, loading) around the instigator's own facts, and the tick
 * history section. Each page says only what differs: what it fetches and what it shows inside.
 */
import type { ComponentChildren } from "preact";
import { Link } from "../../components/link";
import { EmptyState, ErrorNotice, Loading } from "../../components/notices";
import { PageHeader } from "../../components/page-header";
import { now } from "../../lib/time";
import { isNotFound, type Polled, usePoll } from "../../stores/poll";
import { TickTimeline } from "./tick-timeline";
import { StatusToggle, type TickRow, TickTable } from "./ticks";

type Kind = "schedule" | "sensor";
const TITLE: Record<Kind, string> = { schedule: "Schedules", sensor: "Sensors" };

export function InstigatorFrame<T extends { status: string }>({
  kind,
  location,
  name,
  polled,
  setRunning,
  children,
}: {
  kind: Kind;
  location: string;
  name: string;
  polled: Polled<T>;
  setRunning: (running: boolean) => Promise<unknown>;
  children: (instigator: T) => ComponentChildren;
}) {
  const list = `/${kind}s`;
  const instigator = polled.data.value;
  if (isNotFound(polled.error.value)) {
    return (
      <div class="page">
        <PageHeader title={name} />
        <EmptyState title={`No such ${kind}`} testId={`${kind}-not-found`}>
          No {kind} "{name}" in code location "{location}". <Link href={list}>See the {kind}s there are.</Link>
        </EmptyState>
      </div>
    );
  }
  return (
    <div class="page" data-testid={`${kind}-page`}>
      <PageHeader
        title={name}
        sub={
          <>
            <Link href={list}>{TITLE[kind]}</Link> · {location}
          </>
        }
        actions={
          instigator ? (
            <StatusToggle
              running={instigator.status === "RUNNING"}
              onToggle={async (running) => {
                await setRunning(running);
                polled.refresh();
              }}
            />
          ) : null
        }
      />
      <ErrorNotice error={polled.error.value} title={`The ${kind} could not be loaded.`} />
      {instigator ? children(instigator) : polled.error.value ? null : <Loading what={`the ${kind}`} />}
    </div>
  );
}

/** The tick history: a timeline and a table of the last 100 ticks, refreshed live. */
export function InstigatorTicks({
  kind,
  deps,
  load,
}: {
  kind: Kind;
  deps: readonly unknown[];
  load: (signal: AbortSignal) => Promise<TickRow[]>;
}) {
  const ticks = usePoll(load, deps);
  const list = ticks.data.value;
  return (
    <section class="card" data-testid={`${kind}-ticks`}>
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
