/** How each run status reads and looks: Dagster's statuses, with one colour family each. */
import type { RunStatus } from "../../protocol/run";

export const STATUS_ORDER: readonly RunStatus[] = [
  "QUEUED",
  "NOT_STARTED",
  "STARTING",
  "STARTED",
  "CANCELING",
  "SUCCESS",
  "FAILURE",
  "CANCELED",
];

export const STATUS_LABEL: Record<RunStatus, string> = {
  NOT_STARTED: "Not started",
  QUEUED: "Queued",
  STARTING: "Starting",
  STARTED: "Running",
  SUCCESS: "Success",
  FAILURE: "Failure",
  CANCELING: "Canceling",
  CANCELED: "Canceled",
};

/** The CSS class suffix; colours live in styles.css. */
export function statusTone(status: RunStatus): string {
  switch (status) {
    case "SUCCESS":
      return "ok";
    case "FAILURE":
      return "bad";
    case "STARTED":
    case "STARTING":
      return "run";
    case "CANCELING":
      return "warn";
    case "QUEUED":
      return "queue";
    default:
      return "idle";
  }
}
