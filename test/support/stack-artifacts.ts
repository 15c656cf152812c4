/**
 * Global setup of the projects that start whole stacks (e2e, browser): what every stack would
 * otherwise make for itself, made once per `vitest run` and handed to the test files through
 * Vitest's provide/inject. Now a migrated local D1 (`migratedD1`): each control plane copies it
 * (local-stack.ts `migratedFrom`) instead of running `wrangler d1 migrations apply`, a wrangler
 * start of seconds of CPU, and tens of seconds on a loaded machine, per stack. And the runner
 * compiled to JavaScript (`compiledCli`, scripts/lib/compiled-runner.ts): every `flightdeck serve`
 * and CLI command the tests start runs it, instead of compiling the runner again under tsx.
 *
 * `npm start`, the bench, and the tests that start Flightdeck as `npm start` does
 * (test/support/npm-start.ts) still migrate their own D1: they test that path.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { compileRunner } from "../../scripts/lib/compiled-runner";
import { applyMigrations } from "../../scripts/lib/local-stack";
import type {} from "./provided";

type Artifacts = { dir: string; migratedD1: string; compiledCli: string; removeRunner: () => Promise<void> };

/**
 * Both projects' setups run in the one Vitest process: the first makes the artifacts, the last
 * to finish removes them.
 */
const shared = globalThis as { flightdeckStackArtifacts?: { ready: Promise<Artifacts>; users: number } };

async function make(): Promise<Artifacts> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "stack-artifacts-"));
  const migratedD1 = path.join(dir, "migrated-d1");
  const [runner] = await Promise.all([compileRunner(), applyMigrations(migratedD1)]);
  return { dir, migratedD1, compiledCli: runner.cli, removeRunner: runner.remove };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  shared.flightdeckStackArtifacts ??= { ready: make(), users: 0 };
  const entry = shared.flightdeckStackArtifacts;
  entry.users++;
  const artifacts = await entry.ready;
  project.provide("migratedD1", artifacts.migratedD1);
  project.provide("compiledCli", artifacts.compiledCli);
  return async () => {
    if (--entry.users > 0) return;
    shared.flightdeckStackArtifacts = undefined;
    await Promise.all([rm(artifacts.dir, { recursive: true, force: true }), artifacts.removeRunner()]);
  };
}
