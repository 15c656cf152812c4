/**
 * The launchpad: edit a run config that starts from the job's scaffold and is validated against
 * the job's JSON Schema as you type, add tags and a priority, and launch. The new run's page
 * opens on success; a config the control plane still rejects shows its issues in place.
 */
import { useComputed, useSignal } from "@preact/signals";
import { useMemo } from "preact/hooks";
import type { JobDetail } from "../../../protocol/api";
import { ValidationIssueSchema } from "../../../protocol/errors";
import { ApiError } from "../../api/client";
import { getJob, getRun, submitRun } from "../../api/endpoints";
import { Link } from "../../components/link";
import { ErrorNotice, Loading } from "../../components/notices";
import { PageHeader } from "../../components/page-header";
import { currentLocation, navigate } from "../../lib/router";
import { shortRunId } from "../../lib/run-id";
import type { RouteProps } from "../../routes";
import { usePoll } from "../../stores/poll";
import { ConfigEditor } from "./config-editor";
import { type LaunchpadSeed, seedFromRun } from "./from-run";
import { initialConfigText } from "./scaffold";
import { type TagRow, TagsEditor, tagProblems, tagsOf } from "./tags-editor";
import { type ConfigProblem, checkConfig, makeValidator, placeIssues } from "./validate";

function Launchpad({ job, seed }: { job: JobDetail; seed?: LaunchpadSeed }) {
  const validator = useMemo(() => makeValidator(job.run_config_schema), [job.run_config_schema]);
  const scaffold = useMemo(() => initialConfigText(job.default_run_config, job.run_config_schema), [job]);
  const text = useSignal(seed?.configText ?? scaffold);
  const tags = useSignal<TagRow[]>(seed?.tags ?? []);
  const priority = useSignal(seed?.priority ?? "0");
  const busy = useSignal(false);
  const serverProblems = useSignal<ConfigProblem[]>([]);
  const submitError = useSignal<unknown>(null);
  const check = useComputed(() => checkConfig(text.value, validator));
  const problems = check.value.ok ? serverProblems.value : check.value.problems;
  const tagIssues = tagProblems(tags.value);
  const priorityOk = /^-?\d+$/.test(priority.value.trim());

  const launch = async () => {
    const current = check.value;
    if (!current.ok || tagIssues.length > 0 || !priorityOk) return;
    busy.value = true;
    submitError.value = null;
    serverProblems.value = [];
    try {
      const run = await submitRun({
        location: job.location,
        job: job.name,
        run_config: current.value,
        tags: tagsOf(tags.value),
        priority: Number(priority.value.trim()),
      });
      navigate(`/runs/${run.id}`);
    } catch (err) {
      const issues =
        err instanceof ApiError
          ? ValidationIssueSchema.array().safeParse((err.details as { issues?: unknown } | undefined)?.issues)
          : null;
      if (err instanceof ApiError && err.code === "invalid_run_config" && issues?.success) {
        serverProblems.value = placeIssues(text.value, issues.data);
      }
      submitError.value = err;
    } finally {
      busy.value = false;
    }
  };

  const blocked = !check.value.ok || tagIssues.length > 0 || !priorityOk || busy.value;
  return (
    <div class="launchpad">
      <section class="card launchpad-main">
        <div class="card-title-row">
          <h2>Run config</h2>
          <button
            type="button"
            class="btn btn-small btn-ghost"
            data-testid="launchpad-reset"
            onClick={() => {
              text.value = scaffold;
              serverProblems.value = [];
            }}
          >
            Reset to scaffold
          </button>
        </div>
        <ConfigEditor
          text={text.value}
          problems={problems}
          onChange={(t) => {
            text.value = t;
            serverProblems.value = [];
          }}
        />
      </section>
      <aside class="card launchpad-side">
        <h2>Tags</h2>
        <TagsEditor
          rows={tags.value}
          onChange={(rows) => {
            tags.value = rows;
          }}
        />
        {tagIssues.map((p) => (
          <div key={p} class="field-error" data-testid="launchpad-tag-error">
            {p}
          </div>
        ))}
        <h2>Priority</h2>
        <input
          class="input"
          type="number"
          step="1"
          value={priority.value}
          aria-label="Priority"
          data-testid="launchpad-priority"
          onInput={(e) => {
            priority.value = e.currentTarget.value;
          }}
        />
        <div class="muted small">Higher launches first among queued runs. Default 0.</div>
        {priorityOk ? null : <div class="field-error">The priority must be a whole number.</div>}
        {submitError.value ? <ErrorNotice error={submitError.value} title="The run was not launched." /> : null}
        <button
          type="button"
          class="btn btn-primary btn-block"
          disabled={blocked}
          data-testid="launchpad-launch"
          onClick={() => void launch()}
        >
          {busy.value ? "Launching…" : "Launch run"}
        </button>
        {!check.value.ok ? <div class="muted small">Fix the run config to launch.</div> : null}
      </aside>
    </div>
  );
}

export default function LaunchpadPage({ params }: RouteProps) {
  const location = params.location ?? "";
  const name = params.job ?? "";
  // The job's schema is loaded once: polling it would reset what the user is typing.
  const job = usePoll((signal) => getJob(location, name, signal), [location, name], { intervalMs: 3_600_000 });
  const j = job.data.value;
  // "Open in launchpad" from a run: start from its config and tags (from-run.ts).
  const fromRun = currentLocation.value.search.get("from_run") ?? "";
  const source = usePoll((signal) => (fromRun ? getRun(fromRun, signal) : Promise.resolve(null)), [fromRun], {
    intervalMs: 3_600_000,
  });
  const seedRun = source.data.value;
  const waiting = fromRun !== "" && seedRun === undefined && !source.error.value;
  return (
    <div class="page" data-testid="launchpad-page">
      <PageHeader
        title={`Launchpad: ${name}`}
        sub={
          <>
            <Link href="/jobs">Jobs</Link> / {location} /{" "}
            <Link href={`/jobs/${encodeURIComponent(location)}/${encodeURIComponent(name)}`}>{name}</Link>
          </>
        }
      />
      <ErrorNotice error={job.error.value} title="This job could not be loaded." />
      <ErrorNotice error={source.error.value} title="The run to start from could not be loaded." />
      {seedRun ? (
        <div class="notice" data-testid="launchpad-from-run">
          Starting from the config and tags of run{" "}
          <Link href={`/runs/${seedRun.id}`} class="mono" style={{ textDecoration: "underline" }}>
            {shortRunId(seedRun.id)}
          </Link>
          .
        </div>
      ) : null}
      {j && !waiting ? (
        <Launchpad
          key={`${location}/${name}/${seedRun?.id ?? ""}`}
          job={j}
          seed={seedRun ? seedFromRun(seedRun) : undefined}
        />
      ) : job.error.value ? null : (
        <Loading what="the job" />
      )}
    </div>
  );
}
