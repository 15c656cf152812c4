/**
 * "Add a pool limit" (Dagster's "Add pool limit" on its concurrency page): a pool name and a
 * limit, checked as you type with the protocol's own schemas (the name as PoolNameSchema, the
 * limit as PoolLimitBodySchema), saved through `PUT /api/concurrency/pools/:pool` — the same
 * audited override as editing an existing pool's limit. A pool need not exist yet: an op that
 * names it later is held to the limit from its first step.
 */
import { useSignal } from "@preact/signals";
import { setPoolLimit } from "../../api/pools";
import { ErrorNotice } from "../../components/notices";
import { checkPoolDraft } from "./pool-draft";

export function AddPoolForm({ existing, onSaved }: { existing: readonly string[]; onSaved: () => void }) {
  const name = useSignal("");
  const limit = useSignal("");
  const busy = useSignal(false);
  const error = useSignal<unknown>(null);
  const problems = checkPoolDraft(name.value, limit.value);
  const exists = existing.includes(name.value);
  const ready = name.value !== "" && limit.value.trim() !== "" && !problems.name && !problems.limit;

  const save = async () => {
    busy.value = true;
    error.value = null;
    try {
      await setPoolLimit(name.value, Number(limit.value));
      name.value = "";
      limit.value = "";
      onSaved();
    } catch (err) {
      error.value = err;
    } finally {
      busy.value = false;
    }
  };

  return (
    <section class="card" data-testid="add-pool" aria-labelledby="add-pool-title">
      <h2 id="add-pool-title">Add a pool limit</h2>
      <form
        class="add-pool-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (ready && !busy.value) void save();
        }}
      >
        <label>
          <span>Pool</span>
          <input
            class="input mono"
            data-testid="add-pool-name"
            value={name.value}
            placeholder="warehouse"
            aria-invalid={problems.name ? true : undefined}
            aria-describedby={problems.name ? "add-pool-name-error" : undefined}
            onInput={(e) => {
              name.value = e.currentTarget.value;
              error.value = null;
            }}
          />
        </label>
        <label>
          <span>Limit</span>
          <input
            class="input"
            type="number"
            min="0"
            step="1"
            data-testid="add-pool-limit"
            value={limit.value}
            aria-invalid={problems.limit ? true : undefined}
            aria-describedby={problems.limit ? "add-pool-limit-error" : undefined}
            onInput={(e) => {
              limit.value = e.currentTarget.value;
              error.value = null;
            }}
          />
        </label>
        <button type="submit" class="btn btn-primary" disabled={!ready || busy.value} data-testid="add-pool-save">
          {exists ? "Set limit" : "Add"}
        </button>
      </form>
      {problems.name ? (
        <div class="field-error" id="add-pool-name-error" role="alert" data-testid="add-pool-error">
          Pool name: {problems.name}
        </div>
      ) : null}
      {problems.limit ? (
        <div class="field-error" id="add-pool-limit-error" role="alert" data-testid="add-pool-error">
          Limit: {problems.limit}
        </div>
      ) : null}
      {exists && !problems.name ? <div class="muted small">Pool {name.value} exists: this sets its limit.</div> : null}
      {error.value ? <ErrorNotice error={error.value} title="The limit was not saved." /> : null}
    </section>
  );
}
