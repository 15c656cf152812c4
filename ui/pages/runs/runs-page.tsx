/**
 * Runs: every run, newest first, filtered by status, job and tag, one page at a time through the
 * API's cursor (fast however many runs are stored). Live: the shown page polls every second.
 * Select runs to terminate them together. The same page of runs reads as a table (with what
 * launched each run) or as a timeline of runs over time, by job.
 */
import { useSignal } from "@preact/signals";
import { MAX_BULK_TERMINATE } from "../../../protocol/ui-api";
import { errorMessage } from "../../api/client";
import { listRuns, terminateRuns } from "../../api/endpoints";
import { ConfirmDialog } from "../../components/confirm";
import { EmptyState, ErrorNotice, Loading } from "../../components/notices";
import { PageHeader } from "../../components/page-header";
import { currentLocation, navigate } from "../../lib/router";
import { shortRunId } from "../../lib/run-id";
import { usePoll } from "../../stores/poll";
import { hasFilters, type RunsLayout, type RunsView, readView, toFilters, viewHref } from "./filters";
import { RunsFilterBar } from "./runs-filter-bar";
import { RunsTable } from "./runs-table";
import { RunsTimeline } from "./runs-timeline";

const PAGE_SIZE = 50;

export default function RunsPage() {
  const view = readView(currentLocation.value.search);
  const href = viewHref(view);
  const page = usePoll((signal) => listRuns({ ...toFilters(view), limit: PAGE_SIZE }, signal), [href]);
  const selected = useSignal<ReadonlySet<string>>(new Set());
  const confirming = useSignal(false);
  const busy = useSignal(false);
  const outcome = useSignal<{ ok: boolean; text: string } | null>(null);
  /** Cursors of the pages before this one, to go back to newer runs. */
  const previous = useSignal<string[]>([]);

  const go = (next: RunsView, opts: { keepHistory?: boolean } = {}) => {
    if (!opts.keepHistory) previous.value = [];
    selected.value = new Set();
    navigate(viewHref(next));
  };
  const toggle = (id: string) => {
    const next = new Set(selected.value);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    selected.value = next;
  };
  const terminate = async () => {
    busy.value = true;
    try {
      const ids = [...selected.value].slice(0, MAX_BULK_TERMINATE);
      const { results } = await terminateRuns(ids);
      const failed = results.filter((r) => !r.ok);
      const done = results.length - failed.length;
      outcome.value = {
        ok: failed.length === 0,
        text:
          `Asked ${done} run${done === 1 ? "" : "s"} to terminate.` +
          failed.map((f) => (f.ok ? "" : ` ${shortRunId(f.run_id)}: ${f.error.message}`)).join(""),
      };
      selected.value = new Set();
      page.refresh();
    } catch (err) {
      outcome.value = { ok: false, text: `Could not terminate: ${errorMessage(err)}` };
    } finally {
      busy.value = false;
      confirming.value = false;
    }
  };

  const data = page.data.value;
  const count = selected.value.size;
  return (
    <div class="page" data-testid="runs-page">
      <PageHeader
        title="Runs"
        actions={
          <button
            type="button"
            class="btn btn-danger"
            disabled={count === 0}
            data-testid="runs-bulk-terminate"
            onClick={() => {
              confirming.value = true;
            }}
          >
            Terminate{count > 0 ? ` ${count} selected` : ""}
          </button>
        }
      />
      <RunsFilterBar view={view} onChange={(v) => go(v)} />
      <fieldset class="chip-group runs-layout" aria-label="Show runs as">
        {(["table", "timeline"] as RunsLayout[]).map((layout) => (
          <button
            key={layout}
            type="button"
            class={`chip${view.layout === layout ? " on" : ""}`}
            aria-pressed={view.layout === layout}
            data-testid={`runs-layout-${layout}`}
            onClick={() => go({ ...view, layout }, { keepHistory: true })}
          >
            {layout === "table" ? "Table" : "Timeline"}
          </button>
        ))}
      </fieldset>
      {outcome.value ? (
        <div class={`notice ${outcome.value.ok ? "notice-ok" : "notice-error"}`} data-testid="runs-outcome">
          {outcome.value.text}
        </div>
      ) : null}
      <ErrorNotice error={page.error.value} title="Runs could not be listed." />
      {data === undefined ? (
        page.error.value ? null : (
          <Loading what="runs" />
        )
      ) : data.runs.length === 0 ? (
        <EmptyState title={view.cursor ? "No older runs" : "No runs match"} testId="runs-empty">
          {hasFilters(view)
            ? "No run matches these filters. Clear some to see more."
            : "Nothing has run yet. Launch a job from its launchpad on the Jobs page."}
        </EmptyState>
      ) : (
        <div class="card card-flush">
          {view.layout === "timeline" ? (
            <RunsTimeline runs={data.runs} />
          ) : (
            <RunsTable
              runs={data.runs}
              selected={selected.value}
              onToggle={toggle}
              onToggleAll={(ids) => {
                selected.value = new Set(ids);
              }}
              onPickTag={(tag) => {
                if (!view.tags.includes(tag)) go({ ...view, tags: [...view.tags, tag], cursor: "" });
              }}
            />
          )}
        </div>
      )}
      <div class="pager">
        <button
          type="button"
          class="btn btn-small"
          disabled={!view.cursor}
          data-testid="runs-newer"
          onClick={() => {
            const stack = previous.value;
            previous.value = stack.slice(0, -1);
            go({ ...view, cursor: stack.at(-1) ?? "" }, { keepHistory: true });
          }}
        >
          ← Newer
        </button>
        <button
          type="button"
          class="btn btn-small"
          disabled={!data?.next_cursor}
          data-testid="runs-older"
          onClick={() => {
            if (!data?.next_cursor) return;
            previous.value = [...previous.value, view.cursor];
            go({ ...view, cursor: data.next_cursor }, { keepHistory: true });
          }}
        >
          Older →
        </button>
      </div>
      {confirming.value ? (
        <ConfirmDialog
          title={`Terminate ${count} run${count === 1 ? "" : "s"}?`}
          confirmLabel="Terminate"
          busy={busy.value}
          onConfirm={() => void terminate()}
          onCancel={() => {
            confirming.value = false;
          }}
        >
          Queued runs are canceled at once; running ones are asked to stop and move to Canceling until their run worker
          exits. This cannot be undone.
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
