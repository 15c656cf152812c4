/**
 * What launched a run (Dagster's runs table "Launched by"): the schedule or sensor named by the
 * run's `flightdeck/schedule` / `flightdeck/sensor` tag, linking to its page; a re-execution, by
 * its parent; otherwise a person (through the API or the launchpad).
 */

import type { Run } from "../../../protocol/run";
import { Link } from "../../components/link";
import { shortRunId } from "../../lib/run-id";
import { launcherOf } from "./launcher";

export function LaunchedBy({ run }: { run: Run }) {
  const by = launcherOf(run);
  if (by.kind === "schedule" || by.kind === "sensor") {
    return (
      <span data-testid="run-launched-by" data-kind={by.kind}>
        <span class="muted small">{by.kind} </span>
        <Link href={by.href}>{by.name}</Link>
      </span>
    );
  }
  if (by.kind === "reexecution") {
    return (
      <span data-testid="run-launched-by" data-kind="reexecution">
        <span class="muted small">re-run of </span>
        <Link href={`/runs/${by.parent}`} class="mono">
          {shortRunId(by.parent)}
        </Link>
      </span>
    );
  }
  return (
    <span class="muted" data-testid="run-launched-by" data-kind="manual">
      manual
    </span>
  );
}
