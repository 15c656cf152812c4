/**
 * A queued run's priority, edited in place: click the number, type, Enter saves (Escape cancels).
 * The server refuses a run that launched meanwhile; its words appear under the field.
 */
import { useSignal } from "@preact/signals";
import { errorMessage } from "../../api/client";
import { updateQueuedRun } from "../../api/queue";

type Props = { runId: string; priority: number; onChanged: () => void };

export function PriorityCell({ runId, priority, onChanged }: Props) {
  const editing = useSignal(false);
  const text = useSignal("");
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);

  const cancel = () => {
    editing.value = false;
    error.value = null;
  };
  const save = async () => {
    const value = text.value.trim();
    if (!/^-?\d+$/.test(value)) {
      error.value = "A priority is a whole number (higher launches first).";
      return;
    }
    if (Number(value) === priority) return cancel();
    busy.value = true;
    try {
      await updateQueuedRun(runId, { priority: Number(value) });
      cancel();
      onChanged();
    } catch (err) {
      error.value = errorMessage(err);
    } finally {
      busy.value = false;
    }
  };

  if (!editing.value) {
    return (
      <button
        type="button"
        class="inline-edit num"
        title="Change this run's priority"
        data-testid="queue-priority"
        data-priority={priority}
        onClick={() => {
          text.value = String(priority);
          editing.value = true;
        }}
      >
        {priority}
      </button>
    );
  }
  return (
    <form
      class="priority-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <div class="priority-controls">
        <input
          class="input input-num"
          inputMode="numeric"
          aria-label="Priority"
          value={text.value}
          // biome-ignore lint/a11y/noAutofocus: the field appears because the user just asked to edit it.
          autoFocus
          disabled={busy.value}
          data-testid="queue-priority-input"
          onInput={(e) => {
            text.value = e.currentTarget.value;
            error.value = null;
          }}
          onKeyDown={(e) => {
            if (e.key === "Escape") cancel();
          }}
        />
        <button type="submit" class="btn btn-small btn-primary" disabled={busy.value} data-testid="queue-priority-save">
          Save
        </button>
        <button type="button" class="btn btn-small btn-ghost" onClick={cancel}>
          Cancel
        </button>
      </div>
      {error.value ? (
        <div class="field-error" role="alert" data-testid="queue-priority-error">
          {error.value}
        </div>
      ) : null}
    </form>
  );
}
