/**
 * Instance: the effective configuration (Flightdeck's `dagster.yaml`), every setting with its
 * value and where that value comes from — the built-in default, `wrangler.toml`, or an override
 * saved by an admin — editable in place ("Edit settings"), checked as you type with the config's
 * own schema (settings-form.ts), saved through PATCH /api/instance; and the audit trail of who
 * changed which setting, from what to what.
 */
import { useSignal } from "@preact/signals";
import type { ConfigSource, EffectiveInstanceConfig } from "../../../protocol/instance-config";
import { INSTANCE_CONFIG_LEAF_PATHS } from "../../../protocol/instance-config";
import { ApiError, errorMessage } from "../../api/client";
import { getInstance, getInstanceHistory } from "../../api/endpoints";
import { patchInstance } from "../../api/queue";
import { ErrorNotice, Loading } from "../../components/notices";
import { PageHeader } from "../../components/page-header";
import { usePoll } from "../../stores/poll";
import { issuesOf } from "../queue/limits-form";
import { InstanceHistory } from "./instance-history";
import { checkSettings, kindOf, readPath, settingOf, toText } from "./settings-form";

const SOURCE_LABEL: Record<ConfigSource, string> = {
  default: "default",
  "wrangler.toml": "wrangler.toml",
  override: "saved override",
};

function formatValue(value: unknown): string {
  if (value === null) return "null (none)";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

function SettingInput({
  path,
  value,
  text,
  onInput,
  invalid,
}: {
  path: string;
  value: unknown;
  text: string;
  onInput: (text: string) => void;
  invalid: boolean;
}) {
  const common = {
    "aria-label": path,
    "aria-invalid": invalid,
    "aria-describedby": invalid ? `err-${path}` : undefined,
    "data-testid": "instance-input",
    "data-path": path,
  };
  if (kindOf(value) === "boolean") {
    return (
      <select class="input" {...common} value={text} onChange={(e) => onInput(e.currentTarget.value)}>
        <option value="true">true</option>
        <option value="false">false</option>
      </select>
    );
  }
  return (
    <input
      class="input mono instance-input"
      inputMode={kindOf(value) === "number" ? "decimal" : undefined}
      {...common}
      value={text}
      placeholder={kindOf(value) === "json" ? "none" : undefined}
      onInput={(e) => onInput(e.currentTarget.value)}
    />
  );
}

function SettingsTables({
  data,
  drafts,
  errors,
  onEdit,
}: {
  data: EffectiveInstanceConfig;
  drafts: Record<string, string> | null;
  errors: Record<string, string>;
  onEdit: (path: string, text: string) => void;
}) {
  const sections = new Map<string, string[]>();
  for (const path of Object.keys(data.sources)) {
    const section = path.split(".")[0] ?? path;
    sections.set(section, [...(sections.get(section) ?? []), path]);
  }
  return (
    <>
      {[...sections].map(([section, paths]) => (
        <section key={section} class="card card-flush" data-testid="instance-section" data-section={section}>
          <h2 class="card-title mono">{section}</h2>
          <table class="table">
            <tbody>
              {paths.map((path) => {
                const source = data.sources[path] ?? "default";
                const value = readPath(data.config, path.split("."));
                const error = errors[path];
                return (
                  <tr key={path} data-testid="instance-setting" data-path={path} data-source={source}>
                    <td class="mono w-setting">{path.slice(section.length + 1)}</td>
                    <td class="mono">
                      {drafts ? (
                        <>
                          <SettingInput
                            path={path}
                            value={value}
                            text={drafts[path] ?? toText(value)}
                            invalid={error !== undefined}
                            onInput={(text) => onEdit(path, text)}
                          />
                          {error ? (
                            <div class="field-error" id={`err-${path}`} data-testid="instance-error" data-path={path}>
                              {error}
                            </div>
                          ) : null}
                        </>
                      ) : (
                        formatValue(value)
                      )}
                    </td>
                    <td class="right">
                      <span class={`source source-${source === "wrangler.toml" ? "toml" : source}`}>
                        {SOURCE_LABEL[source]}
                      </span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
      ))}
    </>
  );
}

export default function InstancePage() {
  /** null: reading; otherwise the edited text of each setting touched. */
  const drafts = useSignal<Record<string, string> | null>(null);
  const serverErrors = useSignal<Record<string, string>>({});
  const general = useSignal<string | null>(null);
  const saved = useSignal<string | null>(null);
  const busy = useSignal(false);
  // While editing, the shown values stay put: polling would move them under the user's cursor.
  const instance = usePoll((signal) => getInstance(signal), [], { intervalMs: 2000, enabled: drafts.value === null });
  const history = usePoll((signal) => getInstanceHistory(signal), [], { intervalMs: 5000 });
  const data = instance.data.value;
  const check = data && drafts.value ? checkSettings(data.config, drafts.value, INSTANCE_CONFIG_LEAF_PATHS) : null;
  const errors = { ...serverErrors.value, ...(check?.errors ?? {}) };

  const save = async () => {
    if (!check || Object.keys(check.errors).length > 0 || check.changed.length === 0) return;
    busy.value = true;
    general.value = null;
    try {
      const reply = await patchInstance(check.patch);
      drafts.value = null;
      serverErrors.value = {};
      saved.value = `Saved: ${reply.changes.map((c) => c.path).join(", ") || "nothing changed"}.`;
      instance.refresh();
      history.refresh();
    } catch (err) {
      const placed: Record<string, string> = {};
      for (const issue of err instanceof ApiError ? issuesOf(err.details) : []) {
        placed[settingOf(issue.path.split("."), INSTANCE_CONFIG_LEAF_PATHS)] ??= issue.message;
      }
      serverErrors.value = placed;
      if (Object.keys(placed).length === 0) general.value = `The settings were not saved: ${errorMessage(err)}`;
    } finally {
      busy.value = false;
    }
  };

  const editing = drafts.value !== null;
  const blocked = !check || Object.keys(errors).length > 0 || check.changed.length === 0 || busy.value;
  return (
    <div class="page" data-testid="instance-page">
      <PageHeader
        title="Instance"
        sub="The effective configuration. Later sources win: default, then wrangler.toml, then saved overrides."
        actions={
          data === undefined ? null : editing ? (
            <>
              <button
                type="button"
                class="btn"
                onClick={() => {
                  drafts.value = null;
                  serverErrors.value = {};
                  general.value = null;
                }}
              >
                Cancel
              </button>
              <button
                type="submit"
                form="instance-form"
                class="btn btn-primary"
                disabled={blocked}
                data-testid="instance-save"
              >
                {busy.value
                  ? "Saving…"
                  : `Save ${check?.changed.length ?? 0} change${check?.changed.length === 1 ? "" : "s"}`}
              </button>
            </>
          ) : (
            <button
              type="button"
              class="btn"
              data-testid="instance-edit"
              onClick={() => {
                drafts.value = {};
                saved.value = null;
              }}
            >
              Edit settings
            </button>
          )
        }
      />
      <ErrorNotice error={instance.error.value} title="The instance configuration could not be loaded." />
      {general.value ? (
        <div class="notice notice-error" role="alert" data-testid="instance-save-error">
          {general.value}
        </div>
      ) : null}
      {saved.value ? (
        <div class="notice" role="status" data-testid="instance-saved">
          {saved.value}
        </div>
      ) : null}
      {data === undefined ? (
        instance.error.value ? null : (
          <Loading what="the configuration" />
        )
      ) : (
        <form
          id="instance-form"
          class="page"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <SettingsTables
            data={data}
            drafts={drafts.value}
            errors={editing ? errors : {}}
            onEdit={(path, text) => {
              drafts.value = { ...drafts.value, [path]: text };
              const { [path]: _fixed, ...rest } = serverErrors.value;
              serverErrors.value = rest;
            }}
          />
        </form>
      )}
      <InstanceHistory history={history.data.value?.changes} error={history.error.value} />
    </div>
  );
}
