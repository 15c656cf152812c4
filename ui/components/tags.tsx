/** Run tags as chips: `key=value`, always as text. System tags (`flightdeck/…`) are dimmed and last. */
import { SYSTEM_TAG_PREFIX } from "../../protocol/tags";

export function sortedTags(tags: Record<string, string>): [string, string][] {
  const entries = Object.entries(tags);
  const user = entries.filter(([k]) => !k.startsWith(SYSTEM_TAG_PREFIX));
  const system = entries.filter(([k]) => k.startsWith(SYSTEM_TAG_PREFIX));
  return [...user.sort(), ...system.sort()];
}

function TagBody({ k, v }: { k: string; v: string }) {
  return (
    <>
      <span class="tag-key">{k}</span>
      {v === "" ? null : <span class="tag-value">{v}</span>}
    </>
  );
}

type Props = {
  tags: Record<string, string>;
  max?: number;
  onPick?: (tag: string) => void;
  /** Show long values whole (the run page), not cut to fit a table cell. */
  full?: boolean;
};

export function TagList({ tags, max, onPick, full }: Props) {
  const all = sortedTags(tags);
  const shown = max === undefined ? all : all.slice(0, max);
  return (
    <span class={`tags${full ? " tags-full" : ""}`} data-testid="tags">
      {shown.map(([k, v]) => {
        const cls = `tag${k.startsWith(SYSTEM_TAG_PREFIX) ? " tag-system" : ""}`;
        return onPick ? (
          <button
            key={k}
            type="button"
            class={`${cls} clickable`}
            title={`${k}=${v}`}
            data-testid="tag"
            onClick={() => onPick(`${k}=${v}`)}
          >
            <TagBody k={k} v={v} />
          </button>
        ) : (
          <span key={k} class={cls} title={`${k}=${v}`} data-testid="tag">
            <TagBody k={k} v={v} />
          </span>
        );
      })}
      {shown.length < all.length ? <span class="muted small">+{all.length - shown.length}</span> : null}
    </span>
  );
}
