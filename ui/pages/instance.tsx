/**
 * Instance: the effective configuration (Flightdeck's `dagster.yaml`), every setting with its
 * value and where that value comes from — the built-in default, `wrangler.toml`, or an override
 * saved by an admin.
 */
import type { ConfigSource } from "../../protocol/instance-config";
import { getInstance } from "../api/endpoints";
import { ErrorNotice, Loading } from "../components/notices";
import { PageHeader } from "../components/page-header";
import { usePoll } from "../stores/poll";

const SOURCE_LABEL: Record<ConfigSource, string> = {
  default: "default",
  "wrangler.toml": "wrangler.toml",
  override: "saved override",
};

function readPath(root: unknown, path: string[]): unknown {
  let node = root;
  for (const key of path) {
    if (typeof node !== "object" || node === null || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function formatValue(value: unknown): string {
  if (value === null) return "null (none)";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

export default function InstancePage() {
  const instance = usePoll((signal) => getInstance(signal), [], { intervalMs: 2000 });
  const data = instance.data.value;
  const sections = new Map<string, string[]>();
  for (const path of Object.keys(data?.sources ?? {})) {
    const section = path.split(".")[0] ?? path;
    sections.set(section, [...(sections.get(section) ?? []), path]);
  }
  return (
    <div class="page" data-testid="instance-page">
      <PageHeader
        title="Instance"
        sub="The effective configuration. Later sources win: default, then wrangler.toml, then saved overrides."
      />
      <ErrorNotice error={instance.error.value} title="The instance configuration could not be loaded." />
      {data === undefined ? (
        instance.error.value ? null : (
          <Loading what="the configuration" />
        )
      ) : (
        [...sections].map(([section, paths]) => (
          <section key={section} class="card card-flush" data-testid="instance-section" data-section={section}>
            <h2 class="card-title mono">{section}</h2>
            <table class="table">
              <tbody>
                {paths.map((path) => {
                  const source = data.sources[path] ?? "default";
                  return (
                    <tr key={path} data-testid="instance-setting" data-path={path} data-source={source}>
                      <td class="mono w-setting">{path.slice(section.length + 1)}</td>
                      <td class="mono">{formatValue(readPath(data.config, path.split(".")))}</td>
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
        ))
      )}
    </div>
  );
}
