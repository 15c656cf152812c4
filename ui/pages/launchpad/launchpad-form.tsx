/**
 * The launchpad's form: the run config (JSON or YAML, validated against the job's JSON Schema as
 * you type, with completion and docs from it), tags, a priority, and Launch. Its own chunk, loaded
 * by the launchpad page, so the validator and the editor never weigh on other pages; YAML support
 * (the `yaml` parser) is one more chunk, fetched the first time someone switches to YAML.
 */
import { useComputed, useSignal } from "@preact/signals";
import { useMemo } from "preact/hooks";
import type { JobDetail } from "../../../protocol/api";
import { ValidationIssueSchema } from "../../../protocol/errors";
import type { JsonValue } from "../../../protocol/json";
import { ApiError } from "../../api/client";
import { submitRun } from "../../api/endpoints";
import { ErrorNotice } from "../../components/notices";
import { navigate } from "../../lib/router";
import { ConfigEditor, type ConfigFormat } from "./config-editor";
import { removeExtra, scaffoldMissing } from "./config-schema";
import type { LaunchpadSeed } from "./from-run";
import { type Located, parseLocated } from "./json-locate";
import { initialConfigText } from "./scaffold";
import { type TagRow, TagsEditor, tagProblems, tagsOf } from "./tags-editor";
import { type ConfigProblem, checkConfig, makeValidator, placeIssues } from "./validate";

type YamlModule = typeof import("./config-yaml");

export default function LaunchpadForm({ job, seed }: { job: JobDetail; seed?: LaunchpadSeed }) {
  const schema = job.run_config_schema;
  const validator = useMemo(() => makeValidator(schema), [schema]);
  const scaffold = useMemo(() => initialConfigText(job.default_run_config, schema), [job, schema]);
  const text = useSignal(seed?.configText ?? scaffold);
  const format = useSignal<ConfigFormat>("json");
  const yaml = useSignal<YamlModule | null>(null);
  const note = useSignal<{ text: string; bad: boolean } | null>(null);
  const tags = useSignal<TagRow[]>(seed?.tags ?? []);
  const priority = useSignal(seed?.priority ?? "0");
  const busy = useSignal(false);
  const serverProblems = useSignal<ConfigProblem[]>([]);
  const submitError = useSignal<unknown>(null);
  const parse = (f: ConfigFormat): ((t: string) => Located) =>
    f === "yaml" && yaml.value ? yaml.value.parseYamlLocated : parseLocated;
  const serialize = (f: ConfigFormat, value: JsonValue) =>
    f === "yaml" && yaml.value ? yaml.value.toYaml(value) : JSON.stringify(value, null, 2);
  const check = useComputed(() => checkConfig(text.value, validator, parse(format.value)));
  const problems = check.value.ok ? serverProblems.value : check.value.problems;
  const tagIssues = tagProblems(tags.value);
  const priorityOk = /^-?\d+$/.test(priority.value.trim());

  const setText = (t: string) => {
    text.value = t;
    serverProblems.value = [];
  };

  /** The config as data, or null (and a note saying why) when its text does not parse. */
  const current = (action: string): JsonValue | null => {
    try {
      return parse(format.value)(text.value.trim() === "" ? "{}" : text.value).value;
    } catch (err) {
      note.value = { text: `Fix the syntax first to ${action}: ${(err as Error).message}`, bad: true };
      return null;
    }
  };

  const switchTo = async (next: ConfigFormat) => {
    if (next === format.value) return;
    note.value = null;
    if (next === "yaml" && !yaml.value) {
      try {
        yaml.value = await import("./config-yaml");
      } catch (err) {
        note.value = { text: `YAML support could not be loaded: ${(err as Error).message}`, bad: true };
        return;
      }
    }
    const value = current(`switch to ${next.toUpperCase()}`);
    if (value === null) return;
    setText(serialize(next, value));
    format.value = next;
  };

  const repair = (action: string, fix: (value: JsonValue) => JsonValue, done: string, nothing: string) => {
    note.value = null;
    const value = current(action);
    if (value === null) return;
    const fixed = fix(value);
    const changed = JSON.stringify(fixed) !== JSON.stringify(value);
    if (changed) setText(serialize(format.value, fixed));
    note.value = { text: changed ? done : nothing, bad: false };
  };

  const launch = async () => {
    const ok = check.value;
    if (!ok.ok || tagIssues.length > 0 || !priorityOk) return;
    busy.value = true;
    submitError.value = null;
    serverProblems.value = [];
    try {
      const run = await submitRun({
        location: job.location,
        job: job.name,
        run_config: ok.value,
        tags: tagsOf(tags.value),
        priority: Number(priority.value.trim()),
      });
      navigate(`/runs/${run.id}`);
    } catch (err) {
      const issues =
        err instanceof ApiError
          ? ValidationIssueSchema.array().safeParse((err.details as { issues?: unknown } | undefined)?.issues)
          : null;
      if (err instanceof ApiError && err.code === "invalid_run_config" && issues?.success) {
        serverProblems.value = placeIssues(text.value, issues.data, parse(format.value));
      }
      submitError.value = err;
    } finally {
      busy.value = false;
    }
  };

  const blocked = !check.value.ok || tagIssues.length > 0 || !priorityOk || busy.value;
  return (
    <div class="launchpad">
      <section class="card launchpad-main">
        <div class="card-title-row launchpad-toolbar">
          <h2>Run config</h2>
          <fieldset class="segmented" aria-label="Config format">
            {(["json", "yaml"] as const).map((f) => (
              <button
                key={f}
                type="button"
                class={`btn btn-small${format.value === f ? " on" : ""}`}
                aria-pressed={format.value === f}
                data-testid={`launchpad-format-${f}`}
                onClick={() => void switchTo(f)}
              >
                {f.toUpperCase()}
              </button>
            ))}
          </fieldset>
        </div>
        <div class="launchpad-actions">
          <button
            type="button"
            class="btn btn-small"
            data-testid="launchpad-scaffold-missing"
            title="Adds every required field that is missing, with its default or an empty value"
            onClick={() =>
              repair(
                "scaffold missing config",
                (v) => scaffoldMissing(schema, v),
                "Added the missing required fields.",
                "No required field is missing.",
              )
            }
          >
            Scaffold missing config
          </button>
          <button
            type="button"
            class="btn btn-small"
            data-testid="launchpad-remove-extra"
            title="Removes every field the job's config schema does not have"
            onClick={() =>
              repair(
                "remove extra config",
                (v) => removeExtra(schema, v),
                "Removed the fields the job does not take.",
                "There is no extra field.",
              )
            }
          >
            Remove extra config
          </button>
          <button
            type="button"
            class="btn btn-small btn-ghost"
            data-testid="launchpad-reset"
            onClick={() => {
              note.value = null;
              const value = JSON.parse(scaffold) as JsonValue;
              setText(serialize(format.value, value));
            }}
          >
            Reset to scaffold
          </button>
        </div>
        <div
          class={`launchpad-note small${note.value?.bad ? " field-error" : " muted"}`}
          role="status"
          data-testid="launchpad-action-note"
        >
          {note.value?.text ?? ""}
        </div>
        <ConfigEditor
          text={text.value}
          format={format.value}
          schema={schema}
          problems={problems}
          onChange={setText}
          yamlMember={yaml.value?.yamlMember}
        />
      </section>
      <aside class="card launchpad-side">
        <h2>Tags</h2>
        <TagsEditor
          rows={tags.value}
          onChange={(rows) => {
            tags.value = rows;
          }}
        />
        {tagIssues.map((p) => (
          <div key={p} class="field-error" data-testid="launchpad-tag-error">
            {p}
          </div>
        ))}
        <h2>Priority</h2>
        <input
          class="input"
          type="number"
          step="1"
          value={priority.value}
          aria-label="Priority"
          data-testid="launchpad-priority"
          onInput={(e) => {
            priority.value = e.currentTarget.value;
          }}
        />
        <div class="muted small">Higher launches first among queued runs. Default 0.</div>
        {priorityOk ? null : <div class="field-error">The priority must be a whole number.</div>}
        {submitError.value ? <ErrorNotice error={submitError.value} title="The run was not launched." /> : null}
        <button
          type="button"
          class="btn btn-primary btn-block"
          disabled={blocked}
          data-testid="launchpad-launch"
          onClick={() => void launch()}
        >
          {busy.value ? "Launching…" : "Launch run"}
        </button>
        {!check.value.ok ? <div class="muted small">Fix the run config to launch.</div> : null}
      </aside>
    </div>
  );
}
