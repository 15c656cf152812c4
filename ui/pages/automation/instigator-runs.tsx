/** The runs a schedule or sensor launched (its `flightdeck/schedule` or `flightdeck/sensor` tag), newest first. */
import { TAG } from "../../../protocol/tags";
import { listRuns } from "../../api/endpoints";
import { Link } from "../../components/link";
import { EmptyState, ErrorNotice, Loading } from "../../components/notices";
import { RunsMiniTable } from "../../components/runs-mini-table";
import { usePoll } from "../../stores/poll";

export function InstigatorRuns({
  kind,
  location,
  name,
}: {
  kind: "schedule" | "sensor";
  location: string;
  name: string;
}) {
  const tag = `${TAG[kind]}=${name}`;
  const runs = usePoll((signal) => listRuns({ location, tags: [tag], limit: 20 }, signal), [location, tag]);
  const list = runs.data.value?.runs;
  return (
    <section class="card" data-testid="instigator-runs">
      <h2>
        Runs it launched{" "}
        <Link href={`/runs?tag=${encodeURIComponent(tag)}`} class="small">
          all
        </Link>
      </h2>
      <ErrorNotice error={runs.error.value} title="The runs could not be listed." />
      {list === undefined ? (
        runs.error.value ? null : (
          <Loading what="runs" />
        )
      ) : list.length === 0 ? (
        <EmptyState title="No runs yet" testId="instigator-runs-empty">
          Runs this {kind} launches are listed here.
        </EmptyState>
      ) : (
        <RunsMiniTable runs={list} testId="instigator-run-list" />
      )}
    </section>
  );
}
