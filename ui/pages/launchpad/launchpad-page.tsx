/**
 * The launchpad (Dagster's launchpad): edit a run config that starts from the job's scaffold, or
 * from a run's ("Open in launchpad"), add tags and a priority, and launch (launchpad-form.tsx).
 * The new run's page opens on success.
 */
import { getJob, getRun } from "../../api/endpoints";
import { Link } from "../../components/link";
import { ErrorNotice, Loading } from "../../components/notices";
import { PageHeader } from "../../components/page-header";
import { lazyPage } from "../../lib/lazy";
import { currentLocation } from "../../lib/router";
import { shortRunId } from "../../lib/run-id";
import type { RouteProps } from "../../routes";
import { usePoll } from "../../stores/poll";
import { seedFromRun } from "./from-run";

// The form (editor, validator, completion) is its own chunk, fetched as soon as this page loads,
// alongside the job, so the first page of the dashboard stays small.
const loadForm = () => import("./launchpad-form");
const LaunchpadForm = lazyPage(loadForm);
loadForm().catch(() => {}); // a failure shows where the form goes, with a Reload button (lazyPage)

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
        <LaunchpadForm
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
