/** Filters of the runs table: status chips, a job, `key=value` tag filters, and a creation date range. */
import { useSignal } from "@preact/signals";
import type { RunStatus } from "../../../protocol/run";
import { listJobs } from "../../api/endpoints";
import { STATUS_LABEL, STATUS_ORDER, statusTone } from "../../lib/status";
import { usePoll } from "../../stores/poll";
import { EMPTY_VIEW, hasFilters, type RunsView, TAG_FILTER_PATTERN } from "./filters";

type Props = { view: RunsView; onChange: (view: RunsView) => void };

export function RunsFilterBar({ view, onChange }: Props) {
  const tagDraft = useSignal("");
  const tagError = useSignal<string | null>(null);
  const jobs = usePoll((signal) => listJobs(signal), [], { intervalMs: 30_000 });
  const jobNames = [...new Set((jobs.data.value ?? []).map((j) => j.name))].sort();

  const toggleStatus = (s: RunStatus) => {
    const status = view.status.includes(s) ? view.status.filter((x) => x !== s) : [...view.status, s];
    onChange({ ...view, status, cursor: "" });
  };
  const addTag = (e: Event) => {
    e.preventDefault();
    const tag = tagDraft.value.trim();
    if (!tag) return;
    if (!TAG_FILTER_PATTERN.test(tag)) {
      tagError.value = "Write a tag filter as key=value.";
      return;
    }
    tagError.value = null;
    tagDraft.value = "";
    if (!view.tags.includes(tag)) onChange({ ...view, tags: [...view.tags, tag], cursor: "" });
  };
  const active = hasFilters(view);

  return (
    <div class="filters" data-testid="runs-filters">
      <fieldset class="chip-group" aria-label="Status">
        {STATUS_ORDER.map((s) => (
          <button
            key={s}
            type="button"
            class={`chip tone-${statusTone(s)}${view.status.includes(s) ? " on" : ""}`}
            aria-pressed={view.status.includes(s)}
            data-testid={`runs-filter-status-${s}`}
            onClick={() => toggleStatus(s)}
          >
            <span class="dot" />
            {STATUS_LABEL[s]}
          </button>
        ))}
      </fieldset>
      <div class="filter-inputs">
        <select
          class="input"
          value={view.job}
          aria-label="Job"
          data-testid="runs-filter-job"
          onChange={(e) => onChange({ ...view, job: e.currentTarget.value, cursor: "" })}
        >
          <option value="">All jobs</option>
          {jobNames.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
          {view.job && !jobNames.includes(view.job) ? <option value={view.job}>{view.job}</option> : null}
        </select>
        <form onSubmit={addTag} class="tag-form">
          <input
            class="input"
            placeholder="Filter by tag: key=value, Enter"
            value={tagDraft.value}
            aria-label="Tag filter"
            data-testid="runs-filter-tag"
            onInput={(e) => {
              tagDraft.value = e.currentTarget.value;
              tagError.value = null;
            }}
          />
        </form>
        <label class="date-filter">
          <span class="small muted">Created after</span>
          <input
            class="input"
            type="datetime-local"
            value={view.createdAfter}
            data-testid="runs-filter-created-after"
            onChange={(e) => onChange({ ...view, createdAfter: e.currentTarget.value, cursor: "" })}
          />
        </label>
        <label class="date-filter">
          <span class="small muted">before</span>
          <input
            class="input"
            type="datetime-local"
            value={view.createdBefore}
            data-testid="runs-filter-created-before"
            onChange={(e) => onChange({ ...view, createdBefore: e.currentTarget.value, cursor: "" })}
          />
        </label>
        {view.tags.map((t) => (
          <span key={t} class="chip on" data-testid="runs-filter-tag-chip">
            {t}
            <button
              type="button"
              class="chip-x"
              aria-label={`Remove ${t}`}
              onClick={() => onChange({ ...view, tags: view.tags.filter((x) => x !== t), cursor: "" })}
            >
              ×
            </button>
          </span>
        ))}
        {active ? (
          <button
            type="button"
            class="btn btn-small btn-ghost"
            onClick={() => onChange({ ...EMPTY_VIEW, layout: view.layout })}
          >
            Clear filters
          </button>
        ) : null}
      </div>
      {tagError.value ? <div class="field-error">{tagError.value}</div> : null}
    </div>
  );
}
