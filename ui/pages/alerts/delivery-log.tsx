/** One policy's delivery log, live: each alert's status, attempts, last response, and "send again". */
import { useSignal } from "@preact/signals";
import type { AlertDelivery, AlertDeliveryStatus } from "../../../protocol/alerts";
import { listAlertDeliveries, resendAlertDelivery } from "../../api/alerts";
import { Link } from "../../components/link";
import { EmptyState, ErrorNotice } from "../../components/notices";
import { RelativeTime } from "../../components/time";
import { usePoll } from "../../stores/poll";

const TONE: Record<AlertDeliveryStatus, string> = {
  PENDING: "tone-queue",
  RETRYING: "tone-warn",
  DELIVERED: "tone-ok",
  DEAD: "tone-bad",
};

function Row({ delivery, onResent }: { delivery: AlertDelivery; onResent: () => void }) {
  const busy = useSignal(false);
  const error = useSignal<unknown>(null);
  const resend = async () => {
    busy.value = true;
    error.value = null;
    try {
      await resendAlertDelivery(delivery.id);
      onResent();
    } catch (err) {
      error.value = err;
    } finally {
      busy.value = false;
    }
  };
  return (
    <tr data-testid="alert-delivery" data-status={delivery.status}>
      <td>
        <span class={`badge ${TONE[delivery.status]}`} data-testid="alert-delivery-status">
          {delivery.status}
        </span>
      </td>
      <td>
        {delivery.summary}
        {delivery.run_id ? (
          <>
            {" "}
            <Link href={`/runs/${delivery.run_id}`}>open run</Link>
          </>
        ) : null}
        {delivery.last_error && delivery.status !== "DELIVERED" ? (
          <div class="muted small">{delivery.last_error}</div>
        ) : null}
        <ErrorNotice error={error.value} title="Not sent again." />
      </td>
      <td data-testid="alert-delivery-attempts">{delivery.attempts}</td>
      <td>{delivery.response_code ?? "—"}</td>
      <td>
        <RelativeTime ms={delivery.created_at} />
      </td>
      <td>
        <button type="button" class="btn btn-small" data-testid="alert-resend" disabled={busy.value} onClick={resend}>
          Send again
        </button>
      </td>
    </tr>
  );
}

export function DeliveryLog({ policyId }: { policyId: string }) {
  const log = usePoll((signal) => listAlertDeliveries(policyId, signal), [policyId]);
  const deliveries = log.data.value?.deliveries;
  return (
    <div data-testid="alert-delivery-log">
      <ErrorNotice error={log.error.value} title="The delivery log could not be read." />
      {deliveries === undefined ? null : deliveries.length === 0 ? (
        <EmptyState title="No alerts sent yet.">Send a test to check the destination.</EmptyState>
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th>Status</th>
              <th>Alert</th>
              <th>Attempts</th>
              <th>Response</th>
              <th>Raised</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {deliveries.map((d) => (
              <Row key={d.id} delivery={d} onResent={log.refresh} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
