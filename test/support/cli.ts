/**
 * The `flightdeck` CLI as the e2e CLI files run it: each command its own Node process, as a user
 * types it, against the file's own stack (e2e-stack.ts), with the user's config dir pointed at a
 * temporary one (XDG_CONFIG_HOME, which users set too). One stack per file, so the CLI's concepts
 * (runs, automation, operating the instance) are files of their own that run side by side.
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, expect } from "vitest";
import { RunReplySchema } from "../../protocol";
import type { ControlPlane } from "../../scripts/lib/local-stack";
import { REPO_ROOT } from "../../scripts/lib/local-stack";
import { type E2EStack, startE2EStack } from "./e2e-stack";
import { compiledCli } from "./provided";

export type CliResult = { code: number | null; stdout: string; stderr: string };

export type CliStack = {
  /** The file's stack; only inside a test or a hook. */
  readonly stack: E2EStack;
  /** The user's config dir (XDG_CONFIG_HOME) the commands run with. */
  readonly configHome: string;
  /** Starts `flightdeck <args>`; `finish` collects it. */
  start: (args: string[], env?: NodeJS.ProcessEnv) => ChildProcess;
  /** Runs `flightdeck <args>` to its end, with `input` on its stdin. */
  cli: (args: string[], opts?: { input?: string; env?: NodeJS.ProcessEnv }) => Promise<CliResult>;
  api: () => ControlPlane["client"];
  getRun: (id: string) => Promise<ReturnType<typeof RunReplySchema.parse>["run"]>;
};

/**
 * Starts the file's stack in a beforeAll (and stops it in an afterAll). With `loggedIn`, the
 * beforeAll also runs `flightdeck login` with the admin token, as a user does once.
 */
export function useCliStack(opts: { loggedIn: boolean }): CliStack {
  let started: E2EStack | undefined;
  const stack = () => {
    if (!started) throw new Error("the CLI's stack starts in beforeAll: use it in a test or a hook");
    return started;
  };
  const configHome = () => path.join(stack().dir, "config");
  /**
   * `flightdeck` from source (runner/cli.ts), compiled once for the whole run (stack-artifacts.ts):
   * the tests run it dozens of times, and each start under tsx costs a second of CPU compiling and
   * loading it again (the package's bin runs the tsc-built dist/, user-project.test.ts's part).
   */
  const start = (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const { FLIGHTDECK_URL: _url, FLIGHTDECK_TOKEN: _token, ...inherited } = process.env;
    return spawn(process.execPath, [compiledCli(), ...args], {
      cwd: REPO_ROOT,
      env: { ...inherited, XDG_CONFIG_HOME: configHome(), NO_COLOR: "1", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
  };
  const cli = (args: string[], o: { input?: string; env?: NodeJS.ProcessEnv } = {}) =>
    finish(start(args, o.env), o.input);
  const api = () => stack().controlPlane.client;

  beforeAll(async () => {
    started = await startE2EStack();
    if (!opts.loggedIn) return;
    const login = await cli(["login", started.controlPlane.url], { input: `${started.adminToken}\n` });
    if (login.code !== 0) throw new Error(`flightdeck login failed: ${login.stderr}`);
  });
  afterAll(async () => {
    await started?.teardown();
  });

  return {
    get stack() {
      return stack();
    },
    get configHome() {
      return configHome();
    },
    start,
    cli,
    api,
    getRun: async (id) => (await api().request("GET", `/api/runs/${id}`, RunReplySchema)).run,
  };
}

/** Collects a started command's output and exit code, with `input` on its stdin. */
export function finish(child: ChildProcess, input = ""): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdin?.end(input);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The error path's contract: a non-zero exit, and exactly one line on stderr that says `what`. */
export function expectOneLineError(result: CliResult, what: RegExp, code?: number) {
  expect(result.code, result.stderr).not.toBe(0);
  if (code !== undefined) expect(result.code).toBe(code);
  const lines = result.stderr.trimEnd().split("\n");
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^flightdeck: /);
  expect(lines[0]).toMatch(what);
}

/**
 * A run's id as the CLI's tables show it: `length` hex digits from the 14th on, past the launch
 * time (the CLI takes such a prefix in place of the whole id).
 */
export const shortId = (id: string, length = 8) => id.replaceAll("-", "").slice(13, 13 + length);
