/**
 * Alerts: alert policies (what to watch, which runs, where to send it) with each one's delivery
 * log, live. Create, edit and delete a policy; "send a test" and "send again" go through the same
 * queue as every alert. A webhook policy shows its signing secret for the receiver's config.
 */
import { useSignal } from "@preact/signals";
import type { AlertPolicy } from "../../../protocol/alerts";
import { deleteAlertPolicy, listAlertPolicies, sendTestAlert } from "../../api/alerts";
import { ConfirmDialog } from "../../components/confirm";
import { EmptyState, ErrorNotice, Loading } from "../../components/notices";
import { PageHeader } from "../../components/page-header";
import { usePoll } from "../../stores/poll";
import { DeliveryLog } from "./delivery-log";
import { EVENT_LABELS, PolicyForm } from "./policy-form";

function filtersText(policy: AlertPolicy): string {
  const { locations, jobs, tags } = policy.filters;
  const parts = [
    locations.length > 0 ? `locations ${locations.join(", ")}` : "",
    jobs.length > 0 ? `jobs ${jobs.join(", ")}` : "",
    ...Object.entries(tags).map(([k, v]) => `${k}=${v}`),
  ].filter((p) => p !== "");
  return parts.length === 0 ? "every run" : parts.join(" · ");
}

function PolicyCard({ policy, onChanged }: { policy: AlertPolicy; onChanged: () => void }) {
  const editing = useSignal(false);
  const confirming = useSignal(false);
  const showSecret = useSignal(false);
  const busy = useSignal(false);
  const error = useSignal<unknown>(null);
  const act = async (what: () => Promise<unknown>) => {
    busy.value = true;
    error.value = null;
    try {
      await what();
      onChanged();
    } catch (err) {
      error.value = err;
    } finally {
      busy.value = false;
    }
  };
  if (editing.value) {
    return (
      <PolicyForm
        policy={policy}
        onCancel={() => (editing.value = false)}
        onDone={() => {
          editing.value = false;
          onChanged();
        }}
      />
    );
  }
  const events = policy.events.map((e) => {
    if (e === "RUN_LONG_RUNNING") return `${EVENT_LABELS[e]} (> ${policy.long_running_minutes} min)`;
    if (e === "RUN_LONG_QUEUED") return `${EVENT_LABELS[e]} (> ${policy.long_queued_minutes} min)`;
    if (e === "RUN_FAILURE" && policy.skip_if_will_retry) return `${EVENT_LABELS[e]} (last attempt only)`;
    return EVENT_LABELS[e];
  });
  return (
    <section class="card" data-testid="alert-policy" data-policy={policy.name}>
      <div class="card-title-row">
        <h2>
          {policy.name} {policy.enabled ? null : <span class="badge tone-idle">disabled</span>}
        </h2>
        <div>
          <button
            type="button"
            class="btn btn-small"
            data-testid="alert-send-test"
            disabled={busy.value}
            onClick={() => act(() => sendTestAlert(policy.id))}
          >
            Send a test
          </button>{" "}
          <button type="button" class="btn btn-small" data-testid="alert-edit" onClick={() => (editing.value = true)}>
            Edit
          </button>{" "}
          <button
            type="button"
            class="btn btn-small btn-danger"
            data-testid="alert-delete"
            onClick={() => (confirming.value = true)}
          >
            Delete
          </button>
        </div>
      </div>
      <div class="kv">
        <span>Alerts on</span>
        <span>{events.join(", ")}</span>
        <span>For</span>
        <span>{filtersText(policy)}</span>
        <span>Sends to</span>
        <span class="mono">
          {policy.destination.type === "SLACK" ? "Slack " : "Webhook "}
          {policy.destination.url}
        </span>
        {policy.secret ? (
          <>
            <span>Signing secret</span>
            <span class="mono">
              {showSecret.value ? (
                <span data-testid="alert-secret">{policy.secret}</span>
              ) : (
                <button type="button" class="btn btn-small btn-ghost" onClick={() => (showSecret.value = true)}>
                  Show
                </button>
              )}
            </span>
          </>
        ) : null}
      </div>
      <ErrorNotice error={error.value} title="That did not work." />
      <DeliveryLog policyId={policy.id} />
      {confirming.value ? (
        <ConfirmDialog
          title={`Delete ${policy.name}?`}
          confirmLabel="Delete policy"
          busy={busy.value}
          onCancel={() => (confirming.value = false)}
          onConfirm={() =>
            act(async () => {
              await deleteAlertPolicy(policy.id);
              confirming.value = false;
            })
          }
        >
          Its delivery log goes with it. Alerts already queued are not sent.
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

export default function AlertsPage() {
  const policies = usePoll((signal) => listAlertPolicies(signal), [], { intervalMs: 5000 });
  const creating = useSignal(false);
  const list = policies.data.value?.policies;
  return (
    <div class="page" data-testid="alerts-page">
      <PageHeader
        title="Alerts"
        sub="Alert policies send a signed webhook or a Slack message when runs fail, succeed, are canceled or take too long, when a tick fails, or when a code location stops loading."
        actions={
          <button type="button" class="btn btn-primary" data-testid="alert-new" onClick={() => (creating.value = true)}>
            New policy
          </button>
        }
      />
      <ErrorNotice error={policies.error.value} title="Alert policies could not be listed." />
      {creating.value ? (
        <PolicyForm
          policy={null}
          onCancel={() => (creating.value = false)}
          onDone={() => {
            creating.value = false;
            policies.refresh();
          }}
        />
      ) : null}
      {list === undefined ? (
        policies.error.value ? null : (
          <Loading what="alert policies" />
        )
      ) : list.length === 0 && !creating.value ? (
        <EmptyState title="No alert policies." testId="alerts-empty">
          Create one to hear about failed runs without watching the dashboard.
        </EmptyState>
      ) : (
        list.map((policy) => <PolicyCard key={policy.id} policy={policy} onChanged={policies.refresh} />)
      )}
    </div>
  );
}
