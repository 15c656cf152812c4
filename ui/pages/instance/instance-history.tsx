/** The audit trail of the instance's settings: who changed what, from what to what, newest first. */
import type { InstanceChange } from "../../../protocol/ui-api";
import { EmptyState, ErrorNotice } from "../../components/notices";
import { AbsoluteTime } from "../../components/time";

const ACTION_LABEL: Record<InstanceChange["action"], string> = {
  "instance.update": "changed settings",
  "pool.update": "set a pool limit",
  "pool.delete": "deleted a pool limit",
  "queue.pause": "paused the queue",
  "queue.resume": "resumed the queue",
};

const show = (value: unknown) => (value === undefined ? "—" : JSON.stringify(value));

export function InstanceHistory({ history, error }: { history: InstanceChange[] | undefined; error: unknown }) {
  return (
    <section class="card card-flush" data-testid="instance-history">
      <h2 class="card-title">History</h2>
      <ErrorNotice error={error} title="The history could not be loaded." />
      {history === undefined ? null : history.length === 0 ? (
        <EmptyState title="No change yet">
          Settings saved here or through the API are listed with who saved them.
        </EmptyState>
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>What</th>
            </tr>
          </thead>
          <tbody>
            {history.map((h) => (
              <tr key={h.id} data-testid="instance-change" data-action={h.action}>
                <td class="nowrap">
                  <AbsoluteTime ms={h.ts} />
                </td>
                <td>{h.actor}</td>
                <td>
                  {ACTION_LABEL[h.action]}
                  {h.target ? <span class="mono"> {h.target}</span> : null}
                  {h.changes.map((c) => (
                    <div key={c.path} class="mono small" data-testid="instance-change-path" data-path={c.path}>
                      {c.path}: {show(c.from)} → {show(c.to)}
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
