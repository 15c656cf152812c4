/** Tags for the new run as key/value rows. Keys must be unique and non-empty. */
import { SYSTEM_TAG_PREFIX } from "../../../protocol/tags";

export type TagRow = { key: string; value: string };

export function tagProblems(rows: TagRow[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const { key, value } of rows) {
    const k = key.trim();
    if (!k && !value) continue;
    if (!k) problems.push("A tag needs a key.");
    else if (seen.has(k)) problems.push(`The tag "${k}" is set twice.`);
    else if (k.startsWith(SYSTEM_TAG_PREFIX))
      problems.push(`"${k}": keys starting with ${SYSTEM_TAG_PREFIX} are set by Flightdeck.`);
    seen.add(k);
  }
  return problems;
}

export function tagsOf(rows: TagRow[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { key, value } of rows) if (key.trim()) out[key.trim()] = value;
  return out;
}

export function TagsEditor({ rows, onChange }: { rows: TagRow[]; onChange: (rows: TagRow[]) => void }) {
  const set = (i: number, patch: Partial<TagRow>) => onChange(rows.map((r, k) => (k === i ? { ...r, ...patch } : r)));
  return (
    <div class="tags-editor" data-testid="launchpad-tags">
      {rows.map((row, i) => (
        <div key={i} class="tag-row">
          <input
            class="input"
            placeholder="key"
            value={row.key}
            aria-label={`Tag ${i + 1} key`}
            data-testid="launchpad-tag-key"
            onInput={(e) => set(i, { key: e.currentTarget.value })}
          />
          <span class="muted">=</span>
          <input
            class="input"
            placeholder="value"
            value={row.value}
            aria-label={`Tag ${i + 1} value`}
            data-testid="launchpad-tag-value"
            onInput={(e) => set(i, { value: e.currentTarget.value })}
          />
          <button
            type="button"
            class="btn btn-small btn-ghost"
            aria-label="Remove tag"
            onClick={() => onChange(rows.filter((_, k) => k !== i))}
          >
            ×
          </button>
        </div>
      ))}
      <button
        type="button"
        class="btn btn-small"
        data-testid="launchpad-add-tag"
        onClick={() => onChange([...rows, { key: "", value: "" }])}
      >
        + Add tag
      </button>
    </div>
  );
}
