/**
 * What `PATCH /api/instance` does to the saved overrides, as pure functions: a patch is itself a
 * deep-partial layer; its leaves replace the saved leaves (an array such as
 * `tag_concurrency_limits` is one leaf, replaced whole, as everywhere in the config), and every
 * other saved leaf stays. `describeChanges` lists each leaf whose effective value moved, for the
 * audit log and the reply.
 */
import type { InstanceConfig, InstanceConfigOverrides } from "../../protocol";
import { INSTANCE_CONFIG_LEAF_PATHS } from "../../protocol";

type Tree = Record<string, unknown>;

function isTree(value: unknown): value is Tree {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readLeaf(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const key of path) {
    if (!isTree(node)) return undefined;
    node = node[key];
  }
  return node;
}

function writeLeaf(root: Tree, path: readonly string[], value: unknown): void {
  let node = root;
  for (const key of path.slice(0, -1)) {
    const child = node[key];
    if (isTree(child)) node = child;
    else {
      const created: Tree = {};
      node[key] = created;
      node = created;
    }
  }
  const leaf = path.at(-1);
  if (leaf !== undefined) node[leaf] = value;
}

const LEAVES = INSTANCE_CONFIG_LEAF_PATHS.map((dotted) => ({ dotted, path: dotted.split(".") }));

/** The saved overrides after applying `patch` (both already validated). */
export function mergeOverrides(
  saved: InstanceConfigOverrides,
  patch: InstanceConfigOverrides,
): InstanceConfigOverrides {
  const merged: Tree = {};
  for (const { path } of LEAVES) {
    const value = readLeaf(patch, path) ?? readLeaf(saved, path);
    if (value !== undefined) writeLeaf(merged, path, value);
  }
  return merged as InstanceConfigOverrides;
}

export type ConfigChange = { path: string; from: unknown; to: unknown };

/** Every leaf whose effective value differs between `before` and `after`. */
export function describeChanges(before: InstanceConfig, after: InstanceConfig): ConfigChange[] {
  return LEAVES.flatMap(({ dotted, path }) => {
    const from = readLeaf(before, path);
    const to = readLeaf(after, path);
    return JSON.stringify(from) === JSON.stringify(to) ? [] : [{ path: dotted, from, to }];
  });
}
