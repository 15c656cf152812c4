/**
 * The limits card: bars of how full each limit is, and — after "Edit" — the same limits as a form
 * in place: max_concurrent_runs and every tag concurrency limit, saved through PATCH /api/instance
 * (applied at once by the run coordinator). Each problem shows beside the field it is about,
 * whether this page or the server found it.
 */
import { useSignal } from "@preact/signals";
import type { ConfigSource, RunCoordinatorConfig } from "../../../protocol/instance-config";
import type { QueueReply } from "../../../protocol/queue";
import { ApiError, errorMessage } from "../../api/client";
import { patchInstance } from "../../api/queue";
import { LimitBars } from "./limit-bars";
import {
  emptyTagLimit,
  errorsByPlace,
  issuesOf,
  type LimitsDraft,
  type PlaceErrors,
  readDraft,
  type TagLimitDraft,
  type TagLimitKind,
  toDraft,
} from "./limits-form";

const KIND_LABEL: Record<TagLimitKind, string> = {
  key: "any value",
  value: "one value",
  per_unique_value: "each value apart",
};

function FieldError({ errors, place }: { errors: PlaceErrors; place: string }) {
  const message = errors[place];
  if (!message) return null;
  return (
    <div class="field-error" role="alert" data-testid="limit-error" data-place={place}>
      {message}
    </div>
  );
}

type FormProps = {
  config: RunCoordinatorConfig;
  onDone: (saved: boolean) => void;
};

function LimitsForm({ config, onDone }: FormProps) {
  const draft = useSignal<LimitsDraft>(toDraft(config));
  const errors = useSignal<PlaceErrors>({});
  const general = useSignal<string | null>(null);
  const busy = useSignal(false);
  const d = draft.value;
  // Every edit re-checks the draft: an error shown goes away as soon as its field is fixed (a
  // server's answer was about the draft before the edit, so it goes too). New problems wait for
  // Save, so a row just added is not scolded before it is filled in.
  const edit = (next: LimitsDraft) => {
    draft.value = next;
    general.value = null;
    const read = readDraft(next);
    const now: PlaceErrors = "errors" in read ? read.errors : {};
    errors.value = Object.fromEntries(Object.entries(now).filter(([place]) => place in errors.value));
  };
  const setTag = (index: number, change: Partial<TagLimitDraft>) => {
    edit({ ...d, tags: d.tags.map((tag, i) => (i === index ? { ...tag, ...change } : tag)) });
  };

  const save = async () => {
    general.value = null;
    const read = readDraft(draft.value);
    if ("errors" in read) {
      errors.value = read.errors;
      return;
    }
    errors.value = {};
    busy.value = true;
    try {
      await patchInstance({ run_coordinator: read.patch });
      onDone(true);
    } catch (err) {
      const placed = err instanceof ApiError ? errorsByPlace(issuesOf(err.details)) : {};
      errors.value = placed;
      if (Object.keys(placed).length === 0) general.value = `The limits were not saved: ${errorMessage(err)}`;
    } finally {
      busy.value = false;
    }
  };

  const e = errors.value;
  return (
    <form
      class="limits-form"
      data-testid="limits-form"
      onSubmit={(ev) => {
        ev.preventDefault();
        void save();
      }}
    >
      <label class="limits-field">
        <span class="mono limit-name">max_concurrent_runs</span>
        <input
          class="input input-num"
          inputMode="numeric"
          value={d.maxConcurrentRuns}
          data-testid="limits-max-input"
          onInput={(ev) => {
            edit({ ...d, maxConcurrentRuns: ev.currentTarget.value });
          }}
        />
        <span class="muted small">−1: no limit · 0: launch nothing</span>
      </label>
      <FieldError errors={e} place="max_concurrent_runs" />

      <div class="limits-subhead">Tag concurrency limits</div>
      {d.tags.length === 0 ? <div class="muted small">None: tags do not limit launches.</div> : null}
      {d.tags.map((tag, index) => {
        const at = `tag_concurrency_limits.${index}`;
        return (
          <div key={index} class="tag-limit-edit" data-testid="limits-tag-row">
            <div class="tag-limit-fields">
              <input
                class="input"
                placeholder="tag key"
                aria-label="Tag key"
                value={tag.key}
                data-testid="limits-tag-key"
                onInput={(ev) => setTag(index, { key: ev.currentTarget.value })}
              />
              <select
                class="input"
                aria-label="Which runs it counts"
                value={tag.kind}
                data-testid="limits-tag-kind"
                onChange={(ev) => setTag(index, { kind: ev.currentTarget.value as TagLimitKind })}
              >
                {(Object.keys(KIND_LABEL) as TagLimitKind[]).map((kind) => (
                  <option key={kind} value={kind}>
                    {KIND_LABEL[kind]}
                  </option>
                ))}
              </select>
              <input
                class="input"
                placeholder="value"
                aria-label="Tag value"
                value={tag.value}
                disabled={tag.kind !== "value"}
                data-testid="limits-tag-value"
                onInput={(ev) => setTag(index, { value: ev.currentTarget.value })}
              />
              <input
                class="input input-num"
                inputMode="numeric"
                aria-label="Limit"
                value={tag.limit}
                data-testid="limits-tag-limit"
                onInput={(ev) => setTag(index, { limit: ev.currentTarget.value })}
              />
              <button
                type="button"
                class="btn btn-small btn-ghost"
                aria-label="Remove this tag limit"
                title="Remove this tag limit"
                data-testid="limits-tag-remove"
                onClick={() => {
                  edit({ ...d, tags: d.tags.filter((_, i) => i !== index) });
                }}
              >
                ✕
              </button>
            </div>
            <FieldError errors={e} place={at} />
            <FieldError errors={e} place={`${at}.key`} />
            <FieldError errors={e} place={`${at}.value`} />
            <FieldError errors={e} place={`${at}.limit`} />
          </div>
        );
      })}
      <div class="limits-actions">
        <button
          type="button"
          class="btn btn-small"
          data-testid="limits-tag-add"
          onClick={() => {
            edit({ ...d, tags: [...d.tags, emptyTagLimit()] });
          }}
        >
          + Tag limit
        </button>
        <span class="spacer" />
        <button type="button" class="btn btn-small btn-ghost" disabled={busy.value} onClick={() => onDone(false)}>
          Cancel
        </button>
        <button type="submit" class="btn btn-small btn-primary" disabled={busy.value} data-testid="limits-save">
          {busy.value ? "Saving…" : "Save limits"}
        </button>
      </div>
      {general.value ? (
        <div class="notice notice-error" role="alert" data-testid="limits-error">
          {general.value}
        </div>
      ) : null}
      <FieldError errors={e} place="tag_concurrency_limits" />
    </form>
  );
}

type Props = {
  limits: QueueReply["limits"];
  inProgressIds: string[];
  config: RunCoordinatorConfig;
  sources: Record<string, ConfigSource>;
  onSaved: () => void;
};

export function LimitsCard({ limits, inProgressIds, config, sources, onSaved }: Props) {
  const editing = useSignal(false);
  const overridden = ["max_concurrent_runs", "tag_concurrency_limits"].some(
    (leaf) => sources[`run_coordinator.${leaf}`] === "override",
  );
  return (
    <section class="card card-flush" data-testid="limits-card">
      <h2 class="card-title card-title-row">
        <span>
          Limits{" "}
          <span class="muted small">
            {overridden ? "saved override" : "from the instance config"}
            {config.type === "default" ? " · not applied: the run coordinator is default (launch at once)" : ""}
          </span>
        </span>
        {editing.value ? null : (
          <button
            type="button"
            class="btn btn-small"
            data-testid="limits-edit"
            onClick={() => {
              editing.value = true;
            }}
          >
            Edit
          </button>
        )}
      </h2>
      <div class="card-pad">
        {editing.value ? (
          <LimitsForm
            config={config}
            onDone={(saved) => {
              editing.value = false;
              if (saved) onSaved();
            }}
          />
        ) : (
          <>
            <LimitBars limits={limits} inProgressIds={inProgressIds} />
            {limits.tags.length === 0 ? (
              <div class="muted small limits-note" data-testid="limits-no-tags">
                No tag concurrency limits: only max_concurrent_runs holds runs back. Edit to cap runs that share a tag
                (for example <span class="mono">database=prod</span>).
              </div>
            ) : null}
          </>
        )}
      </div>
    </section>
  );
}
