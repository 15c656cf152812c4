/**
 * A job: its op graph laid out by dagre, the selected op's details, the job's latest runs, and
 * the way to its launchpad.
 */
import { useSignal } from "@preact/signals";
import type { NodeDefinition } from "../../../protocol/definitions";
import type { Run } from "../../../protocol/run";
import { getJob, listRuns } from "../../api/endpoints";
import { Link } from "../../components/link";
import { EmptyState, ErrorNotice, Loading } from "../../components/notices";
import { PageHeader } from "../../components/page-header";
import { RunsMiniTable } from "../../components/runs-mini-table";
import { TagList } from "../../components/tags";
import type { RouteProps } from "../../routes";
import { isNotFound, usePoll } from "../../stores/poll";
import { OpGraph } from "./op-graph";

function NodeDetails({ node }: { node: NodeDefinition }) {
  return (
    <div class="node-details" data-testid="op-details">
      <h3 class="mono">{node.name}</h3>
      <div class="muted small">op {node.op}</div>
      {node.description ? <p>{node.description}</p> : null}
      <div class="kv">
        <span>Inputs</span>
        <span>
          {node.inputs.length === 0
            ? "none"
            : node.inputs.map((i) => `${i.name}${i.from ? ` ← ${i.from.node}.${i.from.output}` : ""}`).join(", ")}
        </span>
        <span>Outputs</span>
        <span>{node.outputs.map((o) => o.name).join(", ") || "none"}</span>
      </div>
      {Object.keys(node.tags).length > 0 ? <TagList tags={node.tags} /> : null}
      {node.config_schema ? (
        <details open>
          <summary>Config schema</summary>
          <pre>{JSON.stringify(node.config_schema, null, 2)}</pre>
        </details>
      ) : (
        <div class="muted small">Takes no config.</div>
      )}
    </div>
  );
}

export default function JobPage({ params }: RouteProps) {
  const location = params.location ?? "";
  const name = params.job ?? "";
  const job = usePoll((signal) => getJob(location, name, signal), [location, name], { intervalMs: 2000 });

  const selected = useSignal<string | null>(null);
  const j = job.data.value;
  const launchpad = `/jobs/${encodeURIComponent(location)}/${encodeURIComponent(name)}/launchpad`;
  // An unknown job has nothing to launch: no launchpad button, no runs to poll.
  const missing = isNotFound(job.error.value);
  const runs = usePoll((signal) => listRuns({ job: name, location, limit: 10 }, signal), [location, name], {
    enabled: !missing,
  });

  return (
    <div class="page" data-testid="job-page">
      <PageHeader
        title={name}
        sub={
          <>
            <Link href="/jobs">Jobs</Link> / {location}
            {j?.description ? <span class="muted"> — {j.description}</span> : null}
          </>
        }
        actions={
          missing ? null : (
            <Link href={launchpad} class="btn btn-primary" data-testid="open-launchpad">
              Open launchpad
            </Link>
          )
        }
      />
      <ErrorNotice error={job.error.value} title="This job could not be loaded." />
      {j === undefined ? (
        job.error.value ? null : (
          <Loading what="the job" />
        )
      ) : (
        <div class="job-layout">
          <section class="card card-flush graph-card">
            <h2 class="card-title">
              Op graph{" "}
              <span class="muted small">
                {j.nodes.length} ops · {j.executor} executor
              </span>
            </h2>
            {j.nodes.length === 0 ? (
              <EmptyState title="This job has no ops" />
            ) : (
              <OpGraph
                nodes={j.nodes}
                selected={selected.value}
                onSelect={(n) => {
                  selected.value = n;
                }}
              />
            )}
          </section>
          <aside class="card side">
            {selected.value && j.nodes.find((n) => n.name === selected.value) ? (
              <NodeDetails node={j.nodes.find((n) => n.name === selected.value) as NodeDefinition} />
            ) : (
              <div class="muted small">Select an op in the graph to see its inputs, outputs and config schema.</div>
            )}
            {Object.keys(j.tags).length > 0 ? (
              <div class="side-block">
                <div class="facts-label">Job tags</div>
                <TagList tags={j.tags} />
              </div>
            ) : null}
          </aside>
        </div>
      )}
      {missing ? (
        <EmptyState title="No such job" testId="job-not-found">
          No job "{name}" in code location "{location}". <Link href="/jobs">See the jobs there are.</Link>
        </EmptyState>
      ) : (
        <JobRuns runs={runs.data.value?.runs} error={runs.error.value} name={name} launchpad={launchpad} />
      )}
    </div>
  );
}

function JobRuns({
  runs,
  error,
  name,
  launchpad,
}: {
  runs: Run[] | undefined;
  error: unknown;
  name: string;
  launchpad: string;
}) {
  return (
    <section class="card">
      <h2>
        Latest runs{" "}
        <Link href={`/runs?job=${encodeURIComponent(name)}`} class="small">
          all
        </Link>
      </h2>
      <ErrorNotice error={error} />
      {runs === undefined ? null : runs.length === 0 ? (
        <EmptyState title="This job has not run yet" testId="job-runs-empty">
          Start one from the <Link href={launchpad}>launchpad</Link>.
        </EmptyState>
      ) : (
        <RunsMiniTable runs={runs} testId="job-runs" />
      )}
    </section>
  );
}
