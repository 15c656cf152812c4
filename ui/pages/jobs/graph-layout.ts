/**
 * Lays out a job's op graph with dagre (top to bottom): node boxes sized to their labels, and
 * each edge (an input fed by an upstream output) as the polyline dagre routes around the boxes.
 */
import { Graph, layout } from "@dagrejs/dagre";
import type { NodeDefinition } from "../../../protocol/definitions";

export type PlacedNode = { name: string; op: string; x: number; y: number; width: number; height: number };
export type PlacedEdge = { from: string; to: string; points: { x: number; y: number }[] };
export type GraphLayout = { nodes: PlacedNode[]; edges: PlacedEdge[]; width: number; height: number };

const CHAR_WIDTH = 7.4;
const NODE_HEIGHT = 46;

export function layoutGraph(nodes: readonly NodeDefinition[]): GraphLayout {
  const g = new Graph({ multigraph: false });
  g.setGraph({ rankdir: "TB", nodesep: 28, ranksep: 44, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) {
    const label = Math.max(node.name.length, node.op.length + 3);
    g.setNode(node.name, { width: Math.max(120, Math.ceil(label * CHAR_WIDTH) + 32), height: NODE_HEIGHT });
  }
  for (const node of nodes) {
    for (const input of node.inputs) {
      if (input.from && g.hasNode(input.from.node)) g.setEdge(input.from.node, node.name);
    }
  }
  layout(g);
  const placed: PlacedNode[] = nodes.map((node) => {
    const n = g.node(node.name);
    return {
      name: node.name,
      op: node.op,
      x: n.x - n.width / 2,
      y: n.y - n.height / 2,
      width: n.width,
      height: n.height,
    };
  });
  const edges: PlacedEdge[] = g.edges().map((e) => ({ from: e.v, to: e.w, points: g.edge(e).points ?? [] }));
  const graph = g.graph();
  return { nodes: placed, edges, width: graph.width ?? 0, height: graph.height ?? 0 };
}
