/**
 * One run: status, timing, tags and run config; the daemon's decisions about it and its retry
 * chain; the step timeline (zoomable; steps can be chosen there for re-execution); the errors with
 * their stacks; the event log, a page at a time. The timeline, errors and decisions come from the
 * server's step summary, never from the whole log, so a 10,000-event run opens as fast as a short
 * one. Live until the run ends. Terminate asks for confirmation first.
 */
import { useComputed, useSignal } from "@preact/signals";
import { ErrorEventDataSchema } from "../../../protocol/events";
import { isTerminalStatus } from "../../../protocol/run";
import { isInterruption } from "../../../protocol/step-summary";
import { errorMessage } from "../../api/client";
import { getRun, terminateRun } from "../../api/endpoints";
import { getRunSteps } from "../../api/run-log";
import { ConfirmDialog } from "../../components/confirm";
import { CopyButton } from "../../components/copy-button";
import { Link } from "../../components/link";
import { ErrorNotice, Loading } from "../../components/notices";
import { PageHeader } from "../../components/page-header";
import { StatusBadge } from "../../components/status-badge";
import { TagList } from "../../components/tags";
import { AbsoluteTime, Duration } from "../../components/time";
import { shortRunId } from "../../lib/run-id";
import type { RouteProps } from "../../routes";
import { LIVE_INTERVAL_MS, usePoll } from "../../stores/poll";
import { ComputeLogs } from "./compute-logs";
import { DaemonDecisions } from "./daemon-decisions";
import { deriveDecisions } from "./decisions";
import { ErrorView } from "./error-view";
import { EventLog } from "./event-log";
import { RunLineage } from "./lineage";
import { OpenInLaunchpad, ReexecuteActions, StepSelectionActions } from "./reexecute-actions";
import { StepTimeline } from "./step-timeline";

export default function RunPage({ params }: RouteProps) {
  const id = params.id ?? "";
  const run = usePoll((signal) => getRun(id, signal), [id]);
  const ended = useComputed(() => {
    const current = run.data.value;
    return current !== undefined && isTerminalStatus(current.status);
  });
  const r = run.data.value;
  // Live: every second; once the run has ended, read once more for the final state, then rarely.
  const summary = usePoll((signal) => getRunSteps(id, signal), [id], {
    intervalMs: ended.value ? 3_600_000 : LIVE_INTERVAL_MS,
  });
  const step = useSignal<string | null>(null);
  const chosen = useSignal<ReadonlySet<string>>(new Set());
  const confirming = useSignal(false);
  const busy = useSignal(false);
  const actionError = useSignal<string | null>(null);
  const notable = useComputed(() => summary.data.value?.notable ?? []);
  const decisions = useComputed(() => deriveDecisions(notable.value));
  const errors = useComputed(() =>
    notable.value.flatMap((e) => {
      if ((e.type !== "STEP_FAILURE" && e.type !== "RUN_FAILURE") || isInterruption(e)) return [];
      const parsed = ErrorEventDataSchema.safeParse(e.data);
      return parsed.success ? [{ event: e, error: parsed.data.error }] : [];
    }),
  );

  if (!r) {
    return (
      <div class="page">
        <PageHeader title={<span class="mono">Run {shortRunId(id)}</span>} />
        <ErrorNotice error={run.error.value} title="This run could not be loaded." />
        {run.error.value ? null : <Loading what="the run" />}
      </div>
    );
  }

  const terminate = async () => {
    busy.value = true;
    actionError.value = null;
    try {
      await terminateRun(r.id);
      run.refresh();
    } catch (err) {
      actionError.value = errorMessage(err);
    } finally {
      busy.value = false;
      confirming.value = false;
    }
  };

  return (
    <div class="page" data-testid="run-page" data-run-id={r.id}>
      <PageHeader
        title={
          <>
            <Link href={`/jobs/${r.location}/${r.job}`}>{r.job}</Link>{" "}
            <span class="mono muted title-id" data-testid="run-full-id">
              {r.id}
            </span>{" "}
            <CopyButton text={r.id} label="Copy the run id" />
          </>
        }
        sub={<StatusBadge status={r.status} testId="run-status" />}
        actions={
          isTerminalStatus(r.status) ? (
            <ReexecuteActions
              run={r}
              onError={(message) => {
                actionError.value = message;
              }}
            />
          ) : (
            <span class="actions">
              <OpenInLaunchpad run={r} />{" "}
              <button
                type="button"
                class="btn btn-danger"
                disabled={r.status === "CANCELING"}
                data-testid="run-terminate"
                onClick={() => {
                  confirming.value = true;
                }}
              >
                {r.status === "CANCELING" ? "Canceling…" : "Terminate"}
              </button>
            </span>
          )
        }
      />
      <ErrorNotice error={run.error.value} />
      {actionError.value ? <div class="notice notice-error">{actionError.value}</div> : null}
      <section class="card facts" data-testid="run-facts">
        <dl>
          <div>
            <dt>Code location</dt>
            <dd>{r.location}</dd>
          </div>
          {r.agent ? (
            <div>
              <dt>Agent</dt>
              <dd data-testid="run-agent">
                <Link href={`/agents#${r.agent.id}`} class="mono">
                  {r.agent.id}
                </Link>
                {r.agent.host ? <span class="muted small"> {r.agent.host}</span> : null}
              </dd>
            </div>
          ) : null}
          <div>
            <dt>Created</dt>
            <dd>
              <AbsoluteTime ms={r.created_at} />
            </dd>
          </div>
          <div>
            <dt>Started</dt>
            <dd>
              <AbsoluteTime ms={r.started_at} />
            </dd>
          </div>
          <div>
            <dt>Ended</dt>
            <dd>
              <AbsoluteTime ms={r.ended_at} />
            </dd>
          </div>
          <div>
            <dt>Duration</dt>
            <dd data-testid="run-duration">
              <Duration start={r.started_at} end={r.ended_at} />
            </dd>
          </div>
          <div>
            <dt>Attempt</dt>
            <dd>{r.attempt}</dd>
          </div>
          <div>
            <dt>Priority</dt>
            <dd>{r.priority}</dd>
          </div>
          {r.parent_run_id ? (
            <div>
              <dt>Parent run</dt>
              <dd>
                <Link href={`/runs/${r.parent_run_id}`} class="mono">
                  {shortRunId(r.parent_run_id)}
                </Link>
              </dd>
            </div>
          ) : null}
        </dl>
        <div class="facts-tags" data-testid="run-tags">
          <span class="facts-label">Tags</span>
          {Object.keys(r.tags).length === 0 ? <span class="muted">none</span> : <TagList tags={r.tags} full />}
        </div>
        <details class="run-config">
          <summary>Run config</summary>
          <pre data-testid="run-config">{JSON.stringify(r.run_config, null, 2)}</pre>
        </details>
      </section>
      <DaemonDecisions decisions={decisions.value} />
      <RunLineage runId={r.id} live={!ended.value} />
      <section class="card">
        <h2>Steps</h2>
        <ErrorNotice error={summary.error.value} />
        {ended.value && (summary.data.value?.steps.length ?? 0) > 0 ? (
          <StepSelectionActions
            run={r}
            chosen={chosen.value}
            onClear={() => {
              chosen.value = new Set();
            }}
            onError={(message) => {
              actionError.value = message;
            }}
          />
        ) : null}
        {summary.data.value ? (
          <StepTimeline
            steps={summary.data.value.steps}
            start={r.started_at}
            end={r.ended_at}
            selectedStep={step.value}
            onSelect={(s) => {
              step.value = s;
            }}
            chosen={ended.value ? chosen.value : null}
            onChoose={(key, on) => {
              const next = new Set(chosen.value);
              if (on) next.add(key);
              else next.delete(key);
              chosen.value = next;
            }}
          />
        ) : summary.error.value ? null : (
          <Loading what="the steps" />
        )}
      </section>
      {step.value ? <ComputeLogs runId={r.id} step={step.value} ended={ended.value} /> : null}
      {errors.value.length > 0 ? (
        <section class="card card-error" data-testid="run-errors">
          <h2>Errors</h2>
          {errors.value.map(({ event, error }) => (
            <div key={event.id} class="run-error">
              <div class="small muted">{event.step_key ? `Step ${event.step_key}` : "Run"}</div>
              <ErrorView error={error} open />
            </div>
          ))}
        </section>
      ) : null}
      <section class="card">
        <h2>Event log</h2>
        <EventLog
          runId={r.id}
          live={!ended.value}
          step={step.value}
          onClearStep={() => {
            step.value = null;
          }}
        />
      </section>
      {confirming.value ? (
        <ConfirmDialog
          title="Terminate this run?"
          confirmLabel="Terminate run"
          busy={busy.value}
          onConfirm={() => void terminate()}
          onCancel={() => {
            confirming.value = false;
          }}
        >
          {r.status === "QUEUED" || r.status === "NOT_STARTED"
            ? "The run has not started: it is canceled at once."
            : "The run worker is asked to stop; the run shows Canceling until it exits."}
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
