/**
 * A user's own project, end to end, as a user would build it: the runner packed (`npm pack`, which
 * builds it) and installed from the tarball into a fresh directory outside this repository — no
 * workspace links, its dependencies from the registry — a project scaffolded with `flightdeck
 * new`, type-checked with its own `tsc --noEmit` (a wrong type must fail, so the types are real),
 * served with its own `flightdeck serve`, registered with a control plane started as `npm start`
 * starts it, and its job run to SUCCESS; and served again by `npx flightdeck agent`, dialling out
 * to that control plane with an agent token made through the API, as README.md's "Agents" says,
 * and its job run to SUCCESS there too.
 */
import { mkdir, mkdtemp, readdir, realpath, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { CreatedAgentTokenReplySchema, generateSecret } from "../../protocol";
import { REPO_ROOT } from "../../scripts/lib/local-stack";
import { runToCompletion, type Spawned, spawnGroup, waitForOutput } from "../../scripts/lib/processes";
import { startTogether } from "../support/e2e-stack";
import { type NpmStart, startAsNpmStart } from "../support/npm-start";

let dir: string;
let tarball: string;
let project: string;
let stack: NpmStart | undefined;
let served: Spawned | undefined;
let agent: Spawned | undefined;

/** The control plane as `npm start` starts it (in beforeAll). */
function npmStarted(): NpmStart {
  if (!stack) throw new Error("npm start's stack starts in beforeAll");
  return stack;
}

/** A user's shell: none of the npm_* variables of the `npm test` this may run under (its prefix, its workspace). */
const USER_SHELL: NodeJS.ProcessEnv = Object.fromEntries(
  Object.keys(process.env)
    .filter((key) => /^npm_/i.test(key))
    .map((key) => [key, undefined]),
);
const npmInstall = (cwd: string, ...specs: string[]) =>
  runToCompletion("npm", ["install", "--no-audit", "--no-fund", ...specs], { cwd, env: USER_SHELL });

/** Runs the scaffolded project's `hello` job in `location`: it succeeds, and greets `name` loudly in its logs. */
async function expectHelloToSucceed(started: NpmStart, location: string, name: string): Promise<void> {
  const run = await started.client.submitRun({
    location,
    job: "hello",
    run_config: { ops: { greeting: { config: { name } } } },
  });
  const done = await started.client.waitForRun(run.id, { timeoutMs: 60_000 });
  expect(done.status).toBe("SUCCESS");
  const logs = (await started.client.listEvents(run.id)).map((event) => JSON.stringify(event));
  expect(logs.some((line) => line.includes(`HELLO, ${name.toUpperCase()}!`))).toBe(true);
}

/** The runner packed, installed as a tool, a project scaffolded with it, and the tarball installed there. */
async function installProject(): Promise<string> {
  await runToCompletion("npm", ["pack", "--pack-destination", dir], {
    cwd: path.join(REPO_ROOT, "runner"),
    env: USER_SHELL,
  });
  const [packed] = (await readdir(dir)).filter((name) => name.endsWith(".tgz"));
  if (!packed) throw new Error(`npm pack left no tarball in ${dir}`);
  tarball = path.join(dir, packed);
  // The CLI first (a user's global or throwaway install), then the project it scaffolds.
  const tool = path.join(dir, "tool");
  await mkdir(tool);
  await npmInstall(tool, tarball);
  project = path.join(dir, "my-location");
  await runToCompletion(path.join(tool, "node_modules/.bin/flightdeck"), ["new", project], {
    cwd: dir,
    env: USER_SHELL,
  });
  // The runner is not on the registry: the tarball stands in for it; the rest comes from the registry.
  await npmInstall(project, tarball);
  return project;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "flightdeck-user-project-"));
  // npm start's stack starts while the runner is packed and installed: neither needs the other,
  // and each is minutes of waiting on its own processes on a loaded machine.
  [stack] = await startTogether<[NpmStart, string]>(
    [startAsNpmStart(path.join(dir, "state")), installProject()],
    async ([started]) => {
      await started?.stop();
    },
  );
}, 600_000);
afterAll(async () => {
  await Promise.allSettled([served?.stop(), agent?.stop()]);
  await stack?.stop();
  await rm(dir, { recursive: true, force: true });
});

it("lives outside the repository and links nothing from it", async () => {
  expect(path.relative(REPO_ROOT, project).startsWith("..")).toBe(true);
  const installed = await realpath(path.join(project, "node_modules/@flightdeck/runner"));
  expect(installed.startsWith(project)).toBe(true);
});

it("type-checks the scaffolded project with its own tsc, and the SDK's types are real", async () => {
  const tsc = path.join(project, "node_modules/.bin/tsc");
  await runToCompletion(tsc, ["--noEmit"], { cwd: project, env: USER_SHELL });
  await writeFile(
    path.join(project, "wrong.ts"),
    [
      'import { defineOp } from "@flightdeck/runner";',
      'import { z } from "zod";',
      'export const op = defineOp({ name: "x", config: z.object({ name: z.string() }), run: (ctx) => {',
      "  const n: number = ctx.config.name;",
      "  return n;",
      "} });",
    ].join("\n"),
  );
  await expect(runToCompletion(tsc, ["--noEmit"], { cwd: project, env: USER_SHELL })).rejects.toThrow(
    /wrong\.ts.*Type 'string' is not assignable to type 'number'/,
  );
  await rm(path.join(project, "wrong.ts"));
}, 180_000);

it("serves the project, registers it with the control plane of npm start, and runs its job to SUCCESS", async () => {
  const started = npmStarted();
  const secret = generateSecret();
  served = spawnGroup(
    path.join(project, "node_modules/.bin/flightdeck"),
    ["serve", "location.ts", "--host", "127.0.0.1", "--port", "0"],
    { cwd: project, env: { ...USER_SHELL, FLIGHTDECK_WEBHOOK_SECRET: secret } },
  );
  const url = (await waitForOutput(served, /flightdeck: serving location\.ts at (http:\/\/\S+)/))[1] ?? "";

  const location = await started.client.putCodeLocation({ name: "my-location", url, secret });
  expect(location).toMatchObject({ status: "LOADED", job_count: 1 });

  await expectHelloToSucceed(started, "my-location", "Ada");
}, 360_000);

it("runs the project's job on `npx flightdeck agent`, connected to the control plane of npm start with an agent token", async () => {
  const started = npmStarted();
  // The admin makes the agent's token for its code location, as README.md's "Agents" shows.
  const made = await started.client.request("POST", "/api/agent-tokens", CreatedAgentTokenReplySchema, {
    name: "my agents",
    location: "my-agent-location",
  });
  // Exactly the README's command, in the project: the token from the environment, the rest default.
  agent = spawnGroup("npx", ["flightdeck", "agent", "location.ts", "--control-plane", started.url], {
    cwd: project,
    env: { ...USER_SHELL, FLIGHTDECK_AGENT_TOKEN: made.secret },
  });
  await waitForOutput(agent, /flightdeck agent: connected to \S+ as agent_[0-9a-f]+/, 120_000);

  await expectHelloToSucceed(started, "my-agent-location", "Grace");
}, 360_000);
