import type { RunStatus } from "../../protocol/run";
import { STATUS_LABEL, statusTone } from "../lib/status";

export function StatusBadge({ status, testId }: { status: RunStatus; testId?: string }) {
  return (
    <span class={`badge tone-${statusTone(status)}`} data-testid={testId} data-status={status}>
      <span class="dot" />
      {STATUS_LABEL[status]}
    </span>
  );
}
