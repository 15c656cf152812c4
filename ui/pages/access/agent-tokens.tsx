/**
 * The agent tokens beside the API tokens: which code location each lets `flightdeck agent` serve,
 * who made it, when it was last used, and whether it is revoked. Made and revoked through
 * `POST`/`DELETE /api/agent-tokens` (README "Agents"); listed here so an admin sees them all.
 */
import type { AgentToken } from "../../../protocol/agents";
import { listAgentTokens } from "../../api/access";
import { ErrorNotice } from "../../components/notices";
import { RelativeTime } from "../../components/time";
import { usePoll } from "../../stores/poll";

function status(t: AgentToken): string {
  return t.revoked_at === null ? "active" : "revoked";
}

export function AgentTokens() {
  const tokens = usePoll((signal) => listAgentTokens(signal), [], { intervalMs: 5000 });
  const list = tokens.data.value?.tokens;
  return (
    <section class="card" aria-labelledby="agent-tokens-title" data-testid="agent-tokens">
      <h2 id="agent-tokens-title">Agent tokens</h2>
      <ErrorNotice error={tokens.error.value} title="Agent tokens could not be listed." />
      {list === undefined ? null : list.length === 0 ? (
        <p class="muted">
          None yet. Make one for a code location with <code>POST /api/agent-tokens</code>.
        </p>
      ) : (
        <table class="table" data-testid="agent-token-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Code location</th>
              <th>Created by</th>
              <th>Created</th>
              <th>Last used</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {list.map((t) => (
              <tr key={t.id} data-testid="agent-token-row" data-location={t.location} data-status={status(t)}>
                <td>
                  {t.name} <span class="mono small muted">{t.id}</span>
                </td>
                <td>{t.location}</td>
                <td class="small">{t.created_by}</td>
                <td class="nowrap">
                  <RelativeTime ms={t.created_at} />
                </td>
                <td class="nowrap">{t.last_used_at === null ? "never" : <RelativeTime ms={t.last_used_at} />}</td>
                <td>{status(t)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
