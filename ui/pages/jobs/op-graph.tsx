/** Draws a job's op graph as SVG from the dagre layout. Names are SVG text nodes: never markup. */
import { useMemo } from "preact/hooks";
import type { NodeDefinition } from "../../../protocol/definitions";
import { layoutGraph } from "./graph-layout";

type Props = { nodes: readonly NodeDefinition[]; selected: string | null; onSelect: (name: string | null) => void };

function pathOf(points: { x: number; y: number }[]): string {
  return points.map((p, i) => `${i === 0 ? "M" : "L"}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" ");
}

export function OpGraph({ nodes, selected, onSelect }: Props) {
  const g = useMemo(() => layoutGraph(nodes), [nodes]);
  return (
    // A region that may scroll on a narrow screen; its ops are buttons, so it is reachable by keyboard.
    <section class="graph-wrap" data-testid="op-graph" aria-label="Op graph">
      <svg width={g.width} height={g.height} viewBox={`0 0 ${g.width} ${g.height}`}>
        <title>Op graph</title>
        <defs>
          <marker
            id="arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M 0 0 L 10 5 L 0 10 z" class="graph-arrow" />
          </marker>
        </defs>
        {g.edges.map((e) => (
          <path
            key={`${e.from}->${e.to}`}
            d={pathOf(e.points)}
            class={`graph-edge${selected === e.from || selected === e.to ? " hot" : ""}`}
            marker-end="url(#arrow)"
            data-testid="op-edge"
            data-from={e.from}
            data-to={e.to}
          />
        ))}
        {g.nodes.map((n) => (
          // biome-ignore lint/a11y/useSemanticElements: SVG has no <button>; role and key handling make the group one.
          <g
            key={n.name}
            transform={`translate(${n.x},${n.y})`}
            class={`graph-node${selected === n.name ? " selected" : ""}`}
            data-testid="op-node"
            data-node={n.name}
            role="button"
            tabIndex={0}
            aria-pressed={selected === n.name}
            onClick={() => onSelect(selected === n.name ? null : n.name)}
            onKeyDown={(e) => {
              if (e.key === "Enter" || e.key === " ") onSelect(selected === n.name ? null : n.name);
            }}
          >
            <rect width={n.width} height={n.height} rx="6" />
            <text x="12" y="19" class="graph-node-name">
              {n.name}
            </text>
            <text x="12" y="35" class="graph-node-op">
              {n.op === n.name ? "op" : `op ${n.op}`}
            </text>
          </g>
        ))}
      </svg>
    </section>
  );
}
