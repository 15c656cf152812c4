/** What the stack projects' global setup (stack-artifacts.ts) provides to their test files. */
import { inject } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** A persist dir whose local D1 has every migration of migrations/ applied; copy, never write to it. */
    migratedD1: string;
    /** The `flightdeck` CLI of the runner compiled to JavaScript (scripts/lib/compiled-runner.ts). */
    compiledCli: string;
  }
}

/** The migrated D1 to start a control plane from (local-stack.ts `migratedFrom`). */
export function migratedD1(): string {
  return inject("migratedD1");
}

/** The compiled `flightdeck` CLI, run by Node as it is (local-stack.ts `startCodeLocation`'s `cli`). */
export function compiledCli(): string {
  return inject("compiledCli");
}
