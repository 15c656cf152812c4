/**
 * The instance settings form's rules, pure: each setting is edited as text in the shape its
 * current value has (a number, a switch, a string, or JSON for lists, maps and unset values);
 * the settings changed make a deep-partial patch, checked as you type with the same
 * InstanceConfigOverridesSchema the server checks PATCH /api/instance with, each problem placed on
 * the setting it is about.
 */
import { type InstanceConfigOverrides, InstanceConfigOverridesSchema } from "../../../protocol/instance-config";

export type SettingKind = "number" | "boolean" | "string" | "json";

export function kindOf(value: unknown): SettingKind {
  if (typeof value === "number") return "number";
  if (typeof value === "boolean") return "boolean";
  if (typeof value === "string") return "string";
  return "json";
}

export function toText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

export function readPath(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const key of path) {
    if (typeof node !== "object" || node === null || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

export function parseSetting(kind: SettingKind, text: string): Parsed {
  const t = text.trim();
  if (kind === "string") return { ok: true, value: text };
  if (kind === "boolean")
    return t === "true" || t === "false"
      ? { ok: true, value: t === "true" }
      : { ok: false, message: "Choose true or false." };
  if (kind === "number") {
    const n = Number(t);
    return t !== "" && Number.isFinite(n) ? { ok: true, value: n } : { ok: false, message: "Enter a number." };
  }
  if (t === "") return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(t) as unknown };
  } catch {
    return { ok: false, message: "Enter JSON (a number, a list [...] or a map {...}), or leave empty for none." };
  }
}

export type SettingsCheck = {
  /** The settings that differ from the effective config, as a patch. */
  patch: InstanceConfigOverrides;
  changed: string[];
  /** Problems by setting path. */
  errors: Record<string, string>;
};

/** `drafts`: edited text by dotted setting path; `config`: the effective config they edit. */
export function checkSettings(
  config: unknown,
  drafts: Readonly<Record<string, string>>,
  leafPaths: readonly string[],
): SettingsCheck {
  const patch: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  const changed: string[] = [];
  for (const [path, text] of Object.entries(drafts)) {
    const keys = path.split(".");
    const current = readPath(config, keys);
    const parsed = parseSetting(kindOf(current), text);
    if (!parsed.ok) {
      errors[path] = parsed.message;
      continue;
    }
    if (JSON.stringify(parsed.value) === JSON.stringify(current)) continue;
    changed.push(path);
    let node = patch;
    for (const key of keys.slice(0, -1)) {
      node[key] ??= {};
      node = node[key] as Record<string, unknown>;
    }
    node[keys.at(-1) ?? path] = parsed.value;
  }
  const checked = InstanceConfigOverridesSchema.safeParse(patch);
  if (!checked.success) {
    for (const issue of checked.error.issues) {
      const place = settingOf(issue.path.map(String), leafPaths);
      errors[place] ??= issue.message;
    }
  }
  return { patch: patch as InstanceConfigOverrides, changed, errors };
}

/** The setting an issue at `path` is about: the longest setting path that starts it. */
export function settingOf(path: readonly string[], leafPaths: readonly string[]): string {
  for (let n = path.length; n > 0; n--) {
    const candidate = path.slice(0, n).join(".");
    if (leafPaths.includes(candidate)) return candidate;
  }
  return path.join(".");
}
