/**
 * The run page's re-execution buttons (Dagster's "Re-execute from failure" / "Re-execute all"):
 * shown once the run has finished; each creates a child run and opens it.
 */
import { useSignal } from "@preact/signals";
import type { ReexecutionStrategy } from "../../../protocol/executors";
import type { Run } from "../../../protocol/run";
import { errorMessage } from "../../api/client";
import { reexecuteRun } from "../../api/executors";
import { navigate } from "../../lib/router";

export function ReexecuteActions({ run, onError }: { run: Run; onError: (message: string | null) => void }) {
  const busy = useSignal(false);
  const go = async (strategy: ReexecutionStrategy) => {
    busy.value = true;
    onError(null);
    try {
      const child = await reexecuteRun(run.id, strategy);
      navigate(`/runs/${child.id}`);
    } catch (err) {
      onError(errorMessage(err));
    } finally {
      busy.value = false;
    }
  };
  return (
    <span class="actions">
      {run.status === "SUCCESS" ? null : (
        <button
          type="button"
          class="btn btn-primary"
          disabled={busy.value}
          data-testid="run-reexecute-from-failure"
          onClick={() => void go("FROM_FAILURE")}
        >
          Re-execute from failure
        </button>
      )}{" "}
      <button
        type="button"
        class="btn"
        disabled={busy.value}
        data-testid="run-reexecute-all"
        onClick={() => void go("ALL_STEPS")}
      >
        Re-execute all
      </button>
    </span>
  );
}
