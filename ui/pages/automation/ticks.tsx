/** Shared pieces of the schedules and sensors pages: the status toggle and a tick history table. */
import { useSignal } from "@preact/signals";
import type { TickStatus } from "../../../protocol/automation";
import { errorMessage } from "../../api/client";
import { Link } from "../../components/link";
import { RelativeTime } from "../../components/time";
import { shortRunId } from "../../lib/run-id";

const TONE: Record<TickStatus, string> = { STARTED: "run", SUCCESS: "ok", SKIPPED: "queue", FAILURE: "bad" };

export type TickRow = {
  id: number;
  status: TickStatus;
  at: number;
  run_ids: string[];
  skip_reason: string | null;
  error: string | null;
};

export function TickTable({ ticks }: { ticks: TickRow[] }) {
  if (ticks.length === 0) return <div class="muted small">No ticks yet.</div>;
  return (
    <table class="table" data-testid="tick-table">
      <tbody>
        {ticks.map((tick) => (
          <tr key={tick.id} data-testid="tick-row" data-status={tick.status}>
            <td class="w-status">
              <span class={`badge tone-${TONE[tick.status]}`}>
                <span class="dot" />
                {tick.status}
              </span>
            </td>
            <td>
              <RelativeTime ms={tick.at} />
            </td>
            <td>
              {tick.run_ids.map((id) => (
                <Link key={id} href={`/runs/${id}`} class="mono">
                  {shortRunId(id)}{" "}
                </Link>
              ))}
              {tick.skip_reason ? <span class="muted">{tick.skip_reason}</span> : null}
              {tick.error ? <pre class="stack">{tick.error}</pre> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function StatusToggle({
  running,
  onToggle,
}: {
  running: boolean;
  onToggle: (running: boolean) => Promise<unknown>;
}) {
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  const toggle = async () => {
    busy.value = true;
    error.value = null;
    try {
      await onToggle(!running);
    } catch (err) {
      error.value = errorMessage(err);
    } finally {
      busy.value = false;
    }
  };
  return (
    <>
      <span class={`badge tone-${running ? "ok" : "queue"}`} data-testid="instigator-status">
        <span class="dot" />
        {running ? "Running" : "Stopped"}
      </span>
      <button
        type="button"
        class="btn"
        disabled={busy.value}
        data-testid="instigator-toggle"
        onClick={() => void toggle()}
      >
        {running ? "Stop" : "Start"}
      </button>
      {error.value ? <div class="notice notice-error">{error.value}</div> : null}
    </>
  );
}
