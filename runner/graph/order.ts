/**
 * Dependency order of a graph's nodes: Dagster's execution plan ordering (topological sort).
 * Pure. Among nodes that are ready at the same time, declaration order wins, so plans are stable.
 */

export interface GraphNode {
  readonly name: string;
  /** Names of the nodes whose outputs this node consumes. */
  readonly upstream: readonly string[];
}

export type OrderResult = { ok: true; order: string[] } | { ok: false; cycle: string[] };

/**
 * Orders nodes so each comes after all of its upstream nodes, or returns one cycle (first node
 * repeated at the end, e.g. `[a, b, a]`). Upstream names that are not nodes are ignored.
 */
export function orderNodes(nodes: readonly GraphNode[]): OrderResult {
  const names = new Set(nodes.map((n) => n.name));
  const waitingOn = new Map<string, Set<string>>();
  for (const node of nodes) waitingOn.set(node.name, new Set(node.upstream.filter((u) => names.has(u))));
  const order: string[] = [];
  let progressed = true;
  while (progressed) {
    progressed = false;
    for (const node of nodes) {
      const waiting = waitingOn.get(node.name);
      if (!waiting || waiting.size > 0) continue;
      waitingOn.delete(node.name);
      order.push(node.name);
      for (const other of waitingOn.values()) other.delete(node.name);
      progressed = true;
    }
  }
  if (waitingOn.size === 0) return { ok: true, order };
  return { ok: false, cycle: findCycle(waitingOn) };
}

/** Every remaining node waits on another remaining one, so walking upstream must come back round. */
function findCycle(waitingOn: Map<string, Set<string>>): string[] {
  const [start] = waitingOn.keys();
  const path: string[] = [];
  let current = start;
  while (current !== undefined && !path.includes(current)) {
    path.push(current);
    const [next] = waitingOn.get(current) ?? [];
    current = next;
  }
  if (current === undefined) return path;
  // The walk went upstream; report the cycle in the direction data flows.
  const cycle = path.slice(path.indexOf(current)).reverse();
  return [...cycle, cycle[0] ?? current];
}
