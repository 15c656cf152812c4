/**
 * Agents: the `flightdeck agent` processes connected to the run coordinator, grouped by the code
 * location each serves (Dagster+'s agents page). Per agent: its id, host and pid, the definitions
 * version it serves (a location whose agents serve two versions is flagged: mid-deploy), how many
 * runs it holds of its max, which (links to their pages), and its last ping. An agent location
 * with no agent connected is listed too: its runs wait in the queue. Live by polling.
 */
import type { Agent } from "../../../protocol/agents";
import { isAgentLocationUrl } from "../../../protocol/agents";
import { listAgents } from "../../api/agents";
import { listCodeLocations } from "../../api/endpoints";
import { Link } from "../../components/link";
import { EmptyState, ErrorNotice, Loading } from "../../components/notices";
import { PageHeader } from "../../components/page-header";
import { RelativeTime } from "../../components/time";
import { shortRunId } from "../../lib/run-id";
import { usePoll } from "../../stores/poll";
import { type AgentGroup, groupAgents, shortVersion } from "./agent-groups";

async function loadGroups(signal: AbortSignal): Promise<AgentGroup[]> {
  const [agents, locations] = await Promise.all([listAgents(signal), listCodeLocations(signal)]);
  const agentLocations = locations.filter((l) => isAgentLocationUrl(l.url)).map((l) => l.name);
  return groupAgents(agents, agentLocations);
}

function AgentRow({ agent, usual }: { agent: Agent; usual: string | undefined }) {
  const odd = usual !== undefined && agent.definitions_version !== usual;
  return (
    <tr id={agent.id} data-testid="agent-row" data-agent-id={agent.id}>
      <th scope="row" class="mono">
        {agent.id}
      </th>
      <td class="mono" data-testid="agent-host">
        {agent.host || <span class="muted">unknown</span>}
      </td>
      <td class="mono" data-testid="agent-version">
        <span title={agent.definitions_version}>{shortVersion(agent.definitions_version)}</span>
        {odd ? <span class="muted small"> (differs)</span> : null}
      </td>
      <td data-testid="agent-capacity">
        <span class="num">
          {agent.running_runs.length} / {agent.max_runs}
        </span>
        <span class="sr-only"> runs held</span>
        {agent.running_runs.length === 0 ? null : (
          <ul class="agent-runs" aria-label={`Runs held by ${agent.id}`}>
            {agent.running_runs.map((runId) => (
              <li key={runId}>
                <Link href={`/runs/${runId}`} class="mono" data-testid="agent-run">
                  {shortRunId(runId)}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </td>
      <td data-testid="agent-last-ping">
        <RelativeTime ms={agent.last_ping_at} />
      </td>
      <td class="agent-connected">
        <RelativeTime ms={agent.connected_at} />
      </td>
    </tr>
  );
}

function LocationAgents({ group }: { group: AgentGroup }) {
  const held = group.agents.reduce((sum, a) => sum + a.running_runs.length, 0);
  const max = group.agents.reduce((sum, a) => sum + a.max_runs, 0);
  const headingId = `agents-of-${group.location}`;
  return (
    <section
      class="card"
      aria-labelledby={headingId}
      data-testid="agent-location"
      data-location={group.location}
      data-agents={group.agents.length}
    >
      <div class="location-head">
        <h2 class="location-name" id={headingId}>
          {group.location}
        </h2>
        {group.agents.length === 0 ? (
          <span class="badge tone-bad" data-testid="agent-location-none">
            <span class="dot" />
            No agent connected
          </span>
        ) : (
          <span class="muted small">
            {group.agents.length} {group.agents.length === 1 ? "agent" : "agents"} · {held} / {max} runs
          </span>
        )}
        {group.midDeploy ? (
          <span class="badge tone-warn" data-testid="agent-location-mid-deploy">
            <span class="dot" />
            Mid-deploy: {group.versions.length} definitions versions
          </span>
        ) : null}
      </div>
      {group.agents.length === 0 ? (
        <p class="muted">
          Its runs wait in the <Link href="/queue">queue</Link> until an agent for it connects (
          <code>flightdeck agent</code> with a token of this location).
        </p>
      ) : (
        <table class="table agent-table" data-testid="agent-table">
          <caption class="sr-only">Agents serving {group.location}</caption>
          <thead>
            <tr>
              <th scope="col">Agent</th>
              <th scope="col">Host</th>
              <th scope="col">Definitions</th>
              <th scope="col">Runs</th>
              <th scope="col">Last ping</th>
              <th scope="col" class="agent-connected">
                Connected
              </th>
            </tr>
          </thead>
          <tbody>
            {group.agents.map((a) => (
              <AgentRow key={a.id} agent={a} usual={group.midDeploy ? group.versions[0] : undefined} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export default function AgentsPage() {
  const groups = usePoll((signal) => loadGroups(signal), []);
  const list = groups.data.value;
  return (
    <div class="page" data-testid="agents-page">
      <PageHeader
        title="Agents"
        sub="The flightdeck agent processes that serve code locations from your machines, by the location each serves."
      />
      <ErrorNotice error={groups.error.value} title="Agents could not be listed." />
      {list === undefined ? (
        groups.error.value ? null : (
          <Loading what="agents" />
        )
      ) : list.length === 0 ? (
        <EmptyState title="No agents" testId="agents-empty">
          Make an agent token for a code location (<code>POST /api/agent-tokens</code>) and start{" "}
          <code>flightdeck agent &lt;file&gt;</code> with it on a machine of yours.
        </EmptyState>
      ) : (
        list.map((g) => <LocationAgents key={g.location} group={g} />)
      )}
    </div>
  );
}
