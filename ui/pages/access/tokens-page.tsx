/**
 * API tokens: make one with a name, a role and an expiry (its secret is shown once, to copy),
 * see every token's role, creator, age, last use and expiry, and revoke one — which also ends
 * every dashboard session signed in with it, at once. Admins only; others see why not.
 */
import { useSignal } from "@preact/signals";
import type { ApiToken, CreatedApiTokenReply } from "../../../protocol/api-tokens";
import { type Role, RoleSchema } from "../../../protocol/roles";
import { createApiToken, listApiTokens, revokeApiToken } from "../../api/access";
import { ConfirmDialog } from "../../components/confirm";
import { CopyButton } from "../../components/copy-button";
import { EmptyState, ErrorNotice, Loading } from "../../components/notices";
import { PageHeader } from "../../components/page-header";
import { AbsoluteTime, RelativeTime } from "../../components/time";
import { usePoll } from "../../stores/poll";
import { AgentTokens } from "./agent-tokens";

const ROLE_HINT: Record<Role, string> = {
  viewer: "reads everything",
  launcher: "also launches, terminates, re-executes runs",
  operator: "also pauses the queue, runs schedules and sensors, edits pools",
  admin: "also changes the instance, code locations and tokens",
};

function NewTokenForm({ onCreated }: { onCreated: (made: CreatedApiTokenReply) => void }) {
  const name = useSignal("");
  const role = useSignal<Role>("viewer");
  const days = useSignal("90");
  const busy = useSignal(false);
  const error = useSignal<unknown>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    busy.value = true;
    error.value = null;
    try {
      const expires = days.value === "" ? undefined : Number(days.value);
      onCreated(await createApiToken({ name: name.value, role: role.value, expires_in_days: expires }));
      name.value = "";
    } catch (err) {
      error.value = err;
    } finally {
      busy.value = false;
    }
  };
  return (
    <form class="card token-form" data-testid="token-form" onSubmit={(e) => void submit(e)}>
      <h2>New token</h2>
      <label class="field">
        Name
        <input
          class="input"
          data-testid="token-name"
          placeholder="ci-deploys"
          required
          value={name.value}
          onInput={(e) => (name.value = e.currentTarget.value)}
        />
      </label>
      <label class="field">
        Role
        <select
          class="input"
          data-testid="token-role"
          value={role.value}
          onChange={(e) => (role.value = e.currentTarget.value as Role)}
        >
          {RoleSchema.options.map((r) => (
            <option key={r} value={r}>
              {r} — {ROLE_HINT[r]}
            </option>
          ))}
        </select>
      </label>
      <label class="field">
        Expires after (days; empty for never)
        <input
          class="input"
          type="number"
          min="1"
          data-testid="token-days"
          value={days.value}
          onInput={(e) => (days.value = e.currentTarget.value)}
        />
      </label>
      <button type="submit" class="btn btn-primary" disabled={busy.value} data-testid="token-create">
        {busy.value ? "Creating…" : "Create token"}
      </button>
      {error.value ? <ErrorNotice error={error.value} title="The token was not created." /> : null}
    </form>
  );
}

function NewSecret({ made, onDone }: { made: CreatedApiTokenReply; onDone: () => void }) {
  return (
    <section class="notice notice-ok" role="status" data-testid="token-secret-card">
      <strong>Token “{made.token.name}” created.</strong> Copy its secret now: it is shown this once and never again.
      <div class="secret-row">
        <code class="mono" data-testid="token-secret">
          {made.secret}
        </code>{" "}
        <CopyButton text={made.secret} label="Copy the token's secret" />{" "}
        <button type="button" class="btn btn-small" data-testid="token-secret-done" onClick={onDone}>
          Done
        </button>
      </div>
    </section>
  );
}

function status(token: ApiToken): string {
  if (token.revoked_at !== null) return "revoked";
  if (token.expires_at !== null && token.expires_at <= Date.now()) return "expired";
  return "active";
}

export default function TokensPage() {
  const tokens = usePoll((signal) => listApiTokens(signal), [], { intervalMs: 5000 });
  const made = useSignal<CreatedApiTokenReply | null>(null);
  const revoking = useSignal<ApiToken | null>(null);
  const busy = useSignal(false);
  const revokeError = useSignal<unknown>(null);
  const list = tokens.data.value?.tokens;
  const revoke = async () => {
    const token = revoking.value;
    if (!token) return;
    busy.value = true;
    revokeError.value = null;
    try {
      await revokeApiToken(token.id);
      revoking.value = null;
      tokens.refresh();
    } catch (err) {
      revokeError.value = err;
      revoking.value = null;
    } finally {
      busy.value = false;
    }
  };
  return (
    <div class="page" data-testid="tokens-page">
      <PageHeader
        title="API tokens"
        sub="Credentials for the CLI, scripts and sign-in, each with a role. Stored only as a hash."
      />
      {made.value ? <NewSecret made={made.value} onDone={() => (made.value = null)} /> : null}
      <NewTokenForm
        onCreated={(reply) => {
          made.value = reply;
          tokens.refresh();
        }}
      />
      <ErrorNotice error={tokens.error.value} title="Tokens could not be listed." />
      <ErrorNotice error={revokeError.value} title="The token was not revoked." />
      {list === undefined ? (
        tokens.error.value ? null : (
          <Loading what="tokens" />
        )
      ) : list.length === 0 ? (
        <EmptyState title="No API token yet">
          Create one above; the admin token from the Worker secret always works.
        </EmptyState>
      ) : (
        <section class="card card-flush">
          <table class="table" data-testid="token-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Role</th>
                <th>Created by</th>
                <th>Created</th>
                <th>Last used</th>
                <th>Expires</th>
                <th>Status</th>
                <th>
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((t) => (
                <tr key={t.id} data-testid="token-row" data-token={t.name} data-status={status(t)}>
                  <td>
                    {t.name} <span class="mono small muted">{t.id}</span>
                  </td>
                  <td>{t.role}</td>
                  <td class="small">{t.created_by}</td>
                  <td class="nowrap">
                    <RelativeTime ms={t.created_at} />
                  </td>
                  <td class="nowrap">{t.last_used_at === null ? "never" : <RelativeTime ms={t.last_used_at} />}</td>
                  <td class="nowrap">{t.expires_at === null ? "never" : <AbsoluteTime ms={t.expires_at} />}</td>
                  <td data-testid="token-status">{status(t)}</td>
                  <td>
                    {t.revoked_at === null ? (
                      <button
                        type="button"
                        class="btn btn-small btn-danger"
                        data-testid="token-revoke"
                        aria-label={`Revoke token ${t.name}`}
                        onClick={() => (revoking.value = t)}
                      >
                        Revoke
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <AgentTokens />
      {revoking.value ? (
        <ConfirmDialog
          title={`Revoke token ${revoking.value.name}?`}
          confirmLabel="Revoke"
          busy={busy.value}
          onConfirm={() => void revoke()}
          onCancel={() => (revoking.value = null)}
        >
          Every request with it, and every dashboard session signed in with it, is refused from now on.
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
