/**
 * The run page's re-execution buttons (Dagster's "Re-execute from failure" / "Re-execute all", and
 * for the steps chosen on the timeline "Re-execute selected" / "from selected", which adds every
 * step downstream, Dagster's `step*`): shown once the run has finished; each creates a child run
 * and opens it. "Open in launchpad" (any run) starts a new run from this one's job, config and tags.
 */
import { useSignal } from "@preact/signals";
import type { ReexecuteRun } from "../../../protocol/executors";
import type { Run } from "../../../protocol/run";
import { errorMessage } from "../../api/client";
import { reexecuteRun } from "../../api/executors";
import { Link } from "../../components/link";
import { navigate } from "../../lib/router";

export function launchpadHrefFor(run: Pick<Run, "id" | "location" | "job">): string {
  const enc = encodeURIComponent;
  return `/jobs/${enc(run.location)}/${enc(run.job)}/launchpad?from_run=${enc(run.id)}`;
}

export function OpenInLaunchpad({ run }: { run: Run }) {
  return (
    <Link href={launchpadHrefFor(run)} class="btn" data-testid="run-open-launchpad">
      Open in launchpad
    </Link>
  );
}

function useReexecute(run: Run, onError: (message: string | null) => void) {
  const busy = useSignal(false);
  const go = async (body: ReexecuteRun) => {
    busy.value = true;
    onError(null);
    try {
      const child = await reexecuteRun(run.id, body);
      navigate(`/runs/${child.id}`);
    } catch (err) {
      onError(errorMessage(err));
    } finally {
      busy.value = false;
    }
  };
  return { busy, go };
}

export function ReexecuteActions({ run, onError }: { run: Run; onError: (message: string | null) => void }) {
  const { busy, go } = useReexecute(run, onError);
  return (
    <span class="actions">
      {run.status === "SUCCESS" ? null : (
        <button
          type="button"
          class="btn btn-primary"
          disabled={busy.value}
          data-testid="run-reexecute-from-failure"
          onClick={() => void go({ strategy: "FROM_FAILURE" })}
        >
          Re-execute from failure
        </button>
      )}{" "}
      <button
        type="button"
        class="btn"
        disabled={busy.value}
        data-testid="run-reexecute-all"
        onClick={() => void go({ strategy: "ALL_STEPS" })}
      >
        Re-execute all
      </button>{" "}
      <OpenInLaunchpad run={run} />
    </span>
  );
}

type SelectionProps = {
  run: Run;
  chosen: ReadonlySet<string>;
  onClear: () => void;
  onError: (message: string | null) => void;
};

/** Above the timeline of a finished run: what to do with the steps chosen on it. */
export function StepSelectionActions({ run, chosen, onClear, onError }: SelectionProps) {
  const { busy, go } = useReexecute(run, onError);
  const keys = [...chosen];
  const none = keys.length === 0;
  return (
    <div class="step-selection" data-testid="step-selection">
      <span class="small" aria-live="polite" data-testid="step-selection-count">
        {none ? "Tick steps to re-execute only them." : `${keys.length} step${keys.length === 1 ? "" : "s"} chosen`}
      </span>
      <button
        type="button"
        class="btn btn-small"
        disabled={none || busy.value}
        data-testid="run-reexecute-selected"
        onClick={() => void go({ strategy: "SELECTED_STEPS", step_keys: keys, include_downstream: false })}
      >
        Re-execute selected
      </button>
      <button
        type="button"
        class="btn btn-small"
        disabled={none || busy.value}
        data-testid="run-reexecute-from-selected"
        title="The chosen steps and every step downstream of them"
        onClick={() => void go({ strategy: "SELECTED_STEPS", step_keys: keys, include_downstream: true })}
      >
        Re-execute from selected
      </button>
      {none ? null : (
        <button type="button" class="btn btn-small" onClick={onClear}>
          Clear
        </button>
      )}
    </div>
  );
}
