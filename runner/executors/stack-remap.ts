/**
 * Points stack frames of a process started from a code location bundle back at the user's
 * TypeScript, through the bundle's linked `.map`, read only when a stack that names the bundle is
 * first formatted.
 *
 * Node's `--enable-source-maps` would do the same, but it reads and indexes the map (~2 MB) and
 * the bundle's line lengths while the bundle loads, in every run worker and step process: ~40 ms
 * of a standby's ~530 ms of start-up CPU here (measured), paid by runs that never format a stack. Node also applies source
 * maps only to modules it loads itself, not to code restored from a startup snapshot, which the
 * step processes start from (step-snapshot-build.ts). So every such process installs this instead.
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

/**
 * From now on, every stack this process formats has its frames in `bundleFile` source-mapped.
 * The stack reads as V8's own (`Name: message` and one `    at …` line a frame); code that sets
 * `Error.prepareStackTrace` itself still wins, as it does over Node's.
 */
export function installSourceMappedStacks(bundleFile: string): void {
  const remap = createStackRemapper(bundleFile);
  Error.prepareStackTrace = (error: unknown, frames: NodeJS.CallSite[]) =>
    remap(`${errorHeader(error)}${frames.map((frame) => `\n    at ${frame}`).join("")}`);
}

function errorHeader(error: unknown): string {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return "Error";
  }
}
