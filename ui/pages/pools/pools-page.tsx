/**
 * Pools: op concurrency pools (Dagster's concurrency pools) — each pool's limit and where it comes
 * from, which run and step hold its slots and until when their leases run, and which steps wait
 * in line. A limit is added, edited (`PUT /api/concurrency/pools/:pool`) or deleted (`DELETE`),
 * each audited. Live by polling.
 */
import { useSignal } from "@preact/signals";
import type { Pool } from "../../../protocol/pools";
import { deletePoolLimit, listPools, setPoolLimit } from "../../api/pools";
import { ConfirmDialog } from "../../components/confirm";
import { Link } from "../../components/link";
import { EmptyState, ErrorNotice, Loading } from "../../components/notices";
import { PageHeader } from "../../components/page-header";
import { RelativeTime } from "../../components/time";
import { shortRunId } from "../../lib/run-id";
import { usePoll } from "../../stores/poll";
import { AddPoolForm } from "./add-pool-form";

const SOURCE: Record<Pool["limit_source"], string> = {
  pool: "set for this pool",
  default: "the instance's default_limit",
  none: "no limit configured",
};

function LimitEditor({ pool, onSaved }: { pool: Pool; onSaved: () => void }) {
  const draft = useSignal<string | null>(null);
  const busy = useSignal(false);
  const error = useSignal<unknown>(null);
  if (draft.value === null) {
    return (
      <span>
        <span data-testid="pool-limit">{pool.limit ?? "unlimited"}</span>{" "}
        <span class="muted small">({SOURCE[pool.limit_source]})</span>{" "}
        <button
          type="button"
          class="btn btn-small"
          data-testid="pool-edit-limit"
          onClick={() => (draft.value = String(pool.limit ?? ""))}
        >
          Edit
        </button>{" "}
        {pool.limit_source === "pool" ? <DeleteLimit pool={pool.pool} onDeleted={onSaved} /> : null}
      </span>
    );
  }
  const value = Number(draft.value);
  const valid = draft.value.trim() !== "" && Number.isInteger(value) && value >= 0;
  const save = async () => {
    busy.value = true;
    error.value = null;
    try {
      await setPoolLimit(pool.pool, value);
      draft.value = null;
      onSaved();
    } catch (err) {
      error.value = err;
    } finally {
      busy.value = false;
    }
  };
  const cancel = () => {
    draft.value = null;
    error.value = null;
  };
  // A form, like the queue's priority: Enter saves, Escape cancels, typing clears the last error.
  return (
    <form
      class="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (valid && !busy.value) void save();
      }}
    >
      <input
        class="input"
        type="number"
        min="0"
        step="1"
        aria-label={`Limit of pool ${pool.pool}`}
        data-testid="pool-limit-input"
        value={draft.value}
        onInput={(e) => {
          draft.value = e.currentTarget.value;
          error.value = null;
        }}
        onKeyDown={(e) => {
          if (e.key === "Escape") cancel();
        }}
      />{" "}
      <button
        type="submit"
        class="btn btn-primary btn-small"
        disabled={!valid || busy.value}
        data-testid="pool-limit-save"
      >
        Save
      </button>{" "}
      <button type="button" class="btn btn-small" onClick={cancel}>
        Cancel
      </button>
      {valid ? null : (
        <div class="field-error" role="alert">
          A limit is a whole number ≥ 0 (0 runs none of its steps).
        </div>
      )}
      {error.value ? <ErrorNotice error={error.value} title="The limit was not saved." /> : null}
    </form>
  );
}

/** Deletes the pool's own limit after a confirmation: its steps fall back to default_limit, or none. */
function DeleteLimit({ pool, onDeleted }: { pool: string; onDeleted: () => void }) {
  const asking = useSignal(false);
  const busy = useSignal(false);
  const error = useSignal<unknown>(null);
  const remove = async () => {
    busy.value = true;
    error.value = null;
    try {
      await deletePoolLimit(pool);
      asking.value = false;
      onDeleted();
    } catch (err) {
      error.value = err;
    } finally {
      busy.value = false;
    }
  };
  return (
    <>
      <button type="button" class="btn btn-small" data-testid="pool-delete-limit" onClick={() => (asking.value = true)}>
        Delete limit
      </button>
      {asking.value ? (
        <ConfirmDialog
          title={`Delete the limit of pool ${pool}?`}
          confirmLabel="Delete limit"
          busy={busy.value}
          onConfirm={() => void remove()}
          onCancel={() => {
            asking.value = false;
            error.value = null;
          }}
        >
          Its steps then run under the instance's <code>default_limit</code>, or without a limit when there is none.
          {error.value ? <ErrorNotice error={error.value} title="The limit was not deleted." /> : null}
        </ConfirmDialog>
      ) : null}
    </>
  );
}

function PoolCard({ pool, onSaved }: { pool: Pool; onSaved: () => void }) {
  return (
    <section class="card" data-testid="pool-row" data-pool={pool.pool}>
      <h2 class="location-name mono">{pool.pool}</h2>
      <div class="kv">
        <span>Limit</span>
        <LimitEditor pool={pool} onSaved={onSaved} />
        <span>In use</span>
        <span data-testid="pool-in-use">{pool.in_use}</span>
        <span>Waiting</span>
        <span data-testid="pool-waiting">{pool.waiting.length}</span>
      </div>
      {pool.slots.length + pool.waiting.length === 0 ? null : (
        <table class="table" data-testid="pool-holders">
          <thead>
            <tr>
              <th>Run</th>
              <th>Step</th>
              <th>State</th>
              <th>Since</th>
            </tr>
          </thead>
          <tbody>
            {pool.slots.map((s) => (
              <tr key={`slot/${s.run_id}/${s.step_key}`} data-testid="pool-slot">
                <td class="mono">
                  <Link href={`/runs/${s.run_id}`}>{shortRunId(s.run_id)}</Link>
                </td>
                <td class="mono">{s.step_key}</td>
                <td>
                  holds a slot{" "}
                  <span class="muted small">
                    (lease ends <RelativeTime ms={s.expires_at} />)
                  </span>
                </td>
                <td>
                  <RelativeTime ms={s.granted_at} />
                </td>
              </tr>
            ))}
            {pool.waiting.map((w, i) => (
              <tr key={`wait/${w.run_id}/${w.step_key}`} data-testid="pool-waiting-claim">
                <td class="mono">
                  <Link href={`/runs/${w.run_id}`}>{shortRunId(w.run_id)}</Link>
                </td>
                <td class="mono">{w.step_key}</td>
                <td>waits, #{i + 1} in line</td>
                <td>
                  <RelativeTime ms={w.since} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export default function PoolsPage() {
  const pools = usePoll((signal) => listPools(signal), []);
  const reply = pools.data.value;
  return (
    <div class="page" data-testid="pools-page">
      <PageHeader
        title="Pools"
        sub={`Op concurrency pools: at most a pool's limit of its steps run at once, across runs. A slot is a lease of ${
          reply?.lease_seconds ?? "…"
        } s, renewed while its run worker lives.`}
      />
      <ErrorNotice error={pools.error.value} title="Pools could not be listed." />
      {reply === undefined ? null : <AddPoolForm existing={reply.pools.map((p) => p.pool)} onSaved={pools.refresh} />}
      {reply === undefined ? (
        pools.error.value ? null : (
          <Loading what="pools" />
        )
      ) : reply.pools.length === 0 ? (
        <EmptyState title="No pools" testId="pools-empty">
          Give an op a pool with <code>defineOp({'{ pool: "warehouse", … }'})</code>, or set a limit in{" "}
          <code>concurrency.pools.limits</code>.
        </EmptyState>
      ) : (
        reply.pools.map((p) => <PoolCard key={p.pool} pool={p} onSaved={pools.refresh} />)
      )}
    </div>
  );
}
