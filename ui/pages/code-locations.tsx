/** Code locations: status, when last loaded, the load error in full, and reload. */
import { useSignal } from "@preact/signals";
import type { CodeLocation } from "../../protocol/api";
import { errorMessage } from "../api/client";
import { listCodeLocations, reloadCodeLocation } from "../api/endpoints";
import { EmptyState, ErrorNotice, Loading } from "../components/notices";
import { PageHeader } from "../components/page-header";
import { RelativeTime } from "../components/time";
import { usePoll } from "../stores/poll";

const TONE = { LOADED: "ok", LOADING: "run", LOAD_ERROR: "bad" } as const;
const LABEL = { LOADED: "Loaded", LOADING: "Loading", LOAD_ERROR: "Load error" } as const;

function LocationCard({ location, onReloaded }: { location: CodeLocation; onReloaded: () => void }) {
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  const reload = async () => {
    busy.value = true;
    error.value = null;
    try {
      await reloadCodeLocation(location.name);
      onReloaded();
    } catch (err) {
      error.value = errorMessage(err);
    } finally {
      busy.value = false;
    }
  };
  return (
    <section class="card" data-testid="location-row" data-location={location.name}>
      <div class="location-head">
        <h2 class="location-name">{location.name}</h2>
        <span class={`badge tone-${TONE[location.status]}`} data-testid="location-status">
          <span class="dot" />
          {LABEL[location.status]}
        </span>
        <div class="spacer" />
        <button
          type="button"
          class="btn"
          disabled={busy.value}
          data-testid="location-reload"
          onClick={() => void reload()}
        >
          {busy.value ? "Reloading…" : "Reload"}
        </button>
      </div>
      <div class="kv">
        <span>Server</span>
        <span class="mono">{location.url}</span>
        <span>Loaded</span>
        <span>
          <RelativeTime ms={location.loaded_at} />
        </span>
        <span>Jobs</span>
        <span>{location.job_count}</span>
        <span>Added</span>
        <span>
          <RelativeTime ms={location.created_at} />
        </span>
      </div>
      {error.value ? <div class="notice notice-error">{error.value}</div> : null}
      {location.load_error ? (
        <pre class="stack load-error" data-testid="location-error">
          {location.load_error}
        </pre>
      ) : null}
    </section>
  );
}

export default function CodeLocationsPage() {
  const locations = usePoll((signal) => listCodeLocations(signal), []);
  const list = locations.data.value;
  return (
    <div class="page" data-testid="locations-page">
      <PageHeader title="Code locations" sub="The servers that hold your jobs' code and run them." />
      <ErrorNotice error={locations.error.value} title="Code locations could not be listed." />
      {list === undefined ? (
        locations.error.value ? null : (
          <Loading what="code locations" />
        )
      ) : list.length === 0 ? (
        <EmptyState title="No code locations yet" testId="locations-empty">
          Start a code location server with <code>flightdeck serve &lt;file&gt;</code> and register it with{" "}
          <code>PUT /api/code-locations/&lt;name&gt;</code>.
        </EmptyState>
      ) : (
        list.map((l) => <LocationCard key={l.name} location={l} onReloaded={locations.refresh} />)
      )}
    </div>
  );
}
