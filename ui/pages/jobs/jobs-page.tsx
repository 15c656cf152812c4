/** Jobs, grouped by code location; a location that failed to load says so instead of listing nothing. */
import type { CodeLocation, JobSummary } from "../../../protocol/api";
import { listCodeLocations, listJobs } from "../../api/endpoints";
import { Link } from "../../components/link";
import { EmptyState, ErrorNotice, Loading } from "../../components/notices";
import { PageHeader } from "../../components/page-header";
import { TagList } from "../../components/tags";
import { usePoll } from "../../stores/poll";

function LocationGroup({ location, jobs }: { location: CodeLocation | undefined; name: string; jobs: JobSummary[] }) {
  return (
    <div class="card-body">
      {location?.status === "LOAD_ERROR" ? (
        <div class="notice notice-error">
          This code location failed to load. See <Link href="/locations">Code locations</Link> for the error.
        </div>
      ) : null}
      {jobs.length === 0 ? (
        <div class="empty-inline">No jobs in this code location.</div>
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th>Job</th>
              <th>Description</th>
              <th class="right">Ops</th>
              <th>Executor</th>
              <th>Tags</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => (
              <tr key={job.name} data-testid="job-row" data-job={job.name}>
                <td>
                  <Link href={`/jobs/${job.location}/${job.name}`} class="strong" data-testid="job-link">
                    {job.name}
                  </Link>
                </td>
                <td class="muted">{job.description ?? ""}</td>
                <td class="right num">{job.node_count}</td>
                <td class="muted">{job.executor}</td>
                <td>
                  <TagList tags={job.tags} />
                </td>
                <td class="right">
                  <Link href={`/jobs/${job.location}/${job.name}/launchpad`} class="btn btn-small">
                    Launchpad
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export default function JobsPage() {
  const jobs = usePoll((signal) => listJobs(signal), [], { intervalMs: 2000 });
  const locations = usePoll((signal) => listCodeLocations(signal), [], { intervalMs: 2000 });
  const all = jobs.data.value;
  const locs = locations.data.value ?? [];
  const names = [...new Set([...locs.map((l) => l.name), ...(all ?? []).map((j) => j.location)])].sort();

  return (
    <div class="page" data-testid="jobs-page">
      <PageHeader title="Jobs" sub="Every job of every code location in the workspace." />
      <ErrorNotice error={jobs.error.value} title="Jobs could not be listed." />
      {all === undefined ? (
        jobs.error.value ? null : (
          <Loading what="jobs" />
        )
      ) : names.length === 0 ? (
        <EmptyState title="No code locations yet" testId="jobs-empty">
          Add a code location with <code>PUT /api/code-locations/&lt;name&gt;</code> (or <code>npm start</code>, which
          registers the demo) and its jobs show here.
        </EmptyState>
      ) : (
        names.map((name) => (
          <section key={name} class="card card-flush" data-testid="job-group" data-location={name}>
            <h2 class="card-title">
              <span class="muted small">Code location</span> {name}
            </h2>
            <LocationGroup
              name={name}
              location={locs.find((l) => l.name === name)}
              jobs={all.filter((j) => j.location === name)}
            />
          </section>
        ))
      )}
    </div>
  );
}
