/** How full each limit is, as bars: in-progress runs against max_concurrent_runs and each tag limit. */
import type { QueueReply } from "../../../protocol/queue";
import { Holders, tagLimitLabel } from "./wait-reason";

function Bar({ inUse, limit }: { inUse: number; limit: number }) {
  const unlimited = limit < 0;
  const ratio = unlimited ? 0 : limit === 0 ? 1 : Math.min(1, inUse / limit);
  const tone = limit === 0 ? "bad" : !unlimited && inUse >= limit ? "warn" : "run";
  return (
    <div class="meter" aria-hidden="true">
      <div class={`meter-fill fill-${tone}`} style={{ width: `${Math.round(ratio * 100)}%` }} />
    </div>
  );
}

function Count({ inUse, limit }: { inUse: number; limit: number }) {
  if (limit < 0) return <span class="num">{inUse} · no limit</span>;
  if (limit === 0) return <span class="num tone-bad">0 · blocks all</span>;
  return (
    <span class={`num${inUse >= limit ? " strong" : ""}`}>
      {inUse} / {limit}
    </span>
  );
}

export function LimitBars({ limits, inProgressIds }: { limits: QueueReply["limits"]; inProgressIds: string[] }) {
  const max = limits.max_concurrent_runs;
  return (
    <div class="limit-bars">
      <div
        class="limit-row"
        data-testid="limit-bar"
        data-limit="max_concurrent_runs"
        data-in-use={max.in_use}
        data-max={max.limit}
      >
        <span class="mono limit-name">max_concurrent_runs</span>
        <Bar inUse={max.in_use} limit={max.limit} />
        <Count inUse={max.in_use} limit={max.limit} />
        <span class="limit-holders">{max.limit > 0 ? <Holders runIds={inProgressIds} /> : null}</span>
      </div>
      {limits.tags.map((tag) => (
        <div
          key={`${tag.kind}:${tag.key}=${tag.value}`}
          class="limit-row"
          data-testid="limit-bar"
          data-limit={`tag:${tagLimitLabel(tag)}`}
          data-in-use={tag.in_use}
          data-max={tag.limit}
        >
          <span class="mono limit-name" title={`Tag limit on ${tagLimitLabel(tag)}`}>
            <span class="muted">tag </span>
            {tagLimitLabel(tag)}
          </span>
          <Bar inUse={tag.in_use} limit={tag.limit} />
          <Count inUse={tag.in_use} limit={tag.limit} />
          <span class="limit-holders">
            <Holders runIds={tag.held_by} />
          </span>
        </div>
      ))}
    </div>
  );
}
