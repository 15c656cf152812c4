/**
 * The audit log: every change made through the API or the dashboard, newest first, each naming
 * the token or session that made it. Filter by actor (any part of the name), action, and a time
 * window; page back with "Older".
 */
import { useSignal } from "@preact/signals";
import type { AuditEntry } from "../../../protocol/api-tokens";
import { type AuditFilters, listAudit } from "../../api/access";
import { EmptyState, ErrorNotice, Loading } from "../../components/notices";
import { PageHeader } from "../../components/page-header";
import { AbsoluteTime } from "../../components/time";
import { usePoll } from "../../stores/poll";

/** `datetime-local` values are local time without a zone; the API takes ms since the epoch. */
function toMs(local: string): number | undefined {
  if (local === "") return undefined;
  const ms = new Date(local).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

function Details({ entry }: { entry: AuditEntry }) {
  if (!entry.details) return null;
  return <div class="mono small muted">{JSON.stringify(entry.details).slice(0, 300)}</div>;
}

export default function AuditPage() {
  const actor = useSignal("");
  const action = useSignal("");
  const since = useSignal("");
  const until = useSignal("");
  const before = useSignal<number | undefined>(undefined);
  const filters: AuditFilters = {
    actor: actor.value.trim() || undefined,
    action: action.value.trim() || undefined,
    since: toMs(since.value),
    until: toMs(until.value),
    before: before.value,
  };
  const audit = usePoll((signal) => listAudit(filters, signal), [JSON.stringify(filters)], { intervalMs: 5000 });
  const entries = audit.data.value?.entries;
  const next = audit.data.value?.next_before ?? null;
  const field = (label: string, value: typeof actor, testId: string, type = "text", placeholder = "") => (
    <label class="field">
      {label}
      <input
        class="input"
        type={type}
        data-testid={testId}
        placeholder={placeholder}
        value={value.value}
        onInput={(e) => {
          value.value = e.currentTarget.value;
          before.value = undefined;
        }}
      />
    </label>
  );
  return (
    <div class="page" data-testid="audit-page">
      <PageHeader title="Audit log" sub="Every change, who made it (token or session), and when." />
      <form class="card audit-filters" data-testid="audit-filters" onSubmit={(e) => e.preventDefault()}>
        {field("Actor", actor, "audit-actor", "text", 'token name, "admin token", session id')}
        {field("Action", action, "audit-action", "text", "submitRun, token.create…")}
        {field("From", since, "audit-since", "datetime-local")}
        {field("Until", until, "audit-until", "datetime-local")}
      </form>
      <ErrorNotice error={audit.error.value} title="The audit log could not be loaded." />
      {entries === undefined ? (
        audit.error.value ? null : (
          <Loading what="the audit log" />
        )
      ) : entries.length === 0 ? (
        <EmptyState title="Nothing matches">No change recorded fits these filters.</EmptyState>
      ) : (
        <section class="card card-flush">
          <table class="table" data-testid="audit-table">
            <thead>
              <tr>
                <th>When</th>
                <th>Who</th>
                <th>What</th>
                <th>On</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id} data-testid="audit-row" data-action={e.action}>
                  <td class="nowrap">
                    <AbsoluteTime ms={e.ts} />
                  </td>
                  <td data-testid="audit-row-actor">{e.actor}</td>
                  <td class="mono">{e.action}</td>
                  <td>
                    {e.target ? <span class="mono">{e.target}</span> : null}
                    <Details entry={e} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <div class="pager">
        {before.value !== undefined ? (
          <button type="button" class="btn" data-testid="audit-newest" onClick={() => (before.value = undefined)}>
            Newest
          </button>
        ) : null}{" "}
        {next !== null ? (
          <button type="button" class="btn" data-testid="audit-older" onClick={() => (before.value = next)}>
            Older
          </button>
        ) : null}
      </div>
    </div>
  );
}
