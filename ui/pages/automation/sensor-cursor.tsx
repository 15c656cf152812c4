/**
 * A sensor's cursor, set or reset by hand (Dagster's "Edit cursor" and `dagster sensor cursor
 * --set/--delete`): the sensor's next tick is evaluated with it. Enter saves; the reply is the
 * sensor afterwards, so what is shown is what is stored.
 */
import { useSignal } from "@preact/signals";
import { errorMessage } from "../../api/client";

export function SensorCursor({
  cursor,
  save,
}: {
  cursor: string | null;
  save: (cursor: string | null) => Promise<unknown>;
}) {
  const editing = useSignal(false);
  const draft = useSignal(cursor ?? "");
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);

  const submit = async (value: string | null) => {
    busy.value = true;
    error.value = null;
    try {
      await save(value);
      editing.value = false;
    } catch (err) {
      error.value = errorMessage(err);
    } finally {
      busy.value = false;
    }
  };

  if (!editing.value) {
    return (
      <span class="cursor-view">
        <span class="mono" data-testid="sensor-cursor">
          {cursor ?? "—"}
        </span>{" "}
        <button
          type="button"
          class="btn btn-small"
          data-testid="cursor-edit"
          onClick={() => {
            draft.value = cursor ?? "";
            editing.value = true;
          }}
        >
          Edit
        </button>
        {cursor !== null ? (
          <button
            type="button"
            class="btn btn-small"
            data-testid="cursor-reset"
            disabled={busy.value}
            onClick={() => void submit(null)}
          >
            Reset
          </button>
        ) : null}
        {error.value ? <div class="notice notice-error">{error.value}</div> : null}
      </span>
    );
  }
  return (
    <form
      class="cursor-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit(draft.value);
      }}
    >
      <input
        class="input mono"
        aria-label="New cursor"
        data-testid="cursor-input"
        value={draft.value}
        onInput={(e) => (draft.value = e.currentTarget.value)}
      />
      <button type="submit" class="btn btn-primary btn-small" disabled={busy.value} data-testid="cursor-save">
        Save
      </button>
      <button type="button" class="btn btn-small" onClick={() => (editing.value = false)}>
        Cancel
      </button>
      {error.value ? (
        <div class="notice notice-error" role="alert" data-testid="cursor-error">
          {error.value}
        </div>
      ) : null}
    </form>
  );
}
