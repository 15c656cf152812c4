/**
 * Points stack frames of a snapshotted step process back at the user's TypeScript. Node applies
 * source maps to modules it loads itself, not to code restored from a startup snapshot, so a step
 * process started from one (step-snapshot-build.ts) maps the frames of its bundle with the bundle's
 * linked `.map` — read only when an error is reported.
 */
import { existsSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { dirname, resolve } from "node:path";

export type StackRemapper = (stack: string) => string;

export function createStackRemapper(bundleFile: string): StackRemapper {
  let map: SourceMap | null | undefined;
  const load = () => {
    if (map !== undefined) return map;
    const file = `${bundleFile}.map`;
    map = existsSync(file) ? new SourceMap(JSON.parse(readFileSync(file, "utf8"))) : null;
    return map;
  };
  const escaped = bundleFile.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const frame = new RegExp(`${escaped}:(\\d+):(\\d+)`, "g");
  return (stack) => {
    if (!stack.includes(bundleFile)) return stack;
    const sourceMap = load();
    if (!sourceMap) return stack;
    return stack.replace(frame, (whole, line: string, column: string) => {
      const entry = sourceMap.findEntry(Number(line) - 1, Number(column) - 1) as {
        originalSource?: string;
        originalLine?: number;
        originalColumn?: number;
      };
      if (!entry.originalSource || entry.originalLine === undefined || entry.originalColumn === undefined) return whole;
      const source = resolve(dirname(bundleFile), entry.originalSource.replace(/^file:\/\//, ""));
      return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
    });
  };
}

/** The same error data with every `stack` (causes included) remapped. */
export function remapErrorStacks<T>(value: T, remap: StackRemapper): T {
  if (Array.isArray(value)) return value.map((v) => remapErrorStacks(v, remap)) as T;
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = key === "stack" && typeof v === "string" ? remap(v) : remapErrorStacks(v, remap);
  }
  return out as T;
}
