/**
 * The entry point compiled into every code location bundle, next to the user's module. Imported
 * by the code location server, it only describes the location; run as `node <bundle>.mjs
 * <launch.json>`, it is a run worker; run with `--standby`, it loads everything a run needs, then
 * waits for the launch request's path on stdin (see server/standby.ts). One file for all three
 * means the server serves exactly the definitions that runs execute, and a run worker starts
 * without a TypeScript loader.
 */
import { closeSync, realpathSync, writeSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Definitions } from "../protocol";
import { installSourceMappedStacks } from "./executors/stack-remap";
import { STEP_FLAG } from "./executors/step-messages";
import { serveStep } from "./executors/step-process";
import { hasLifeline, watchLifeline } from "./lifeline";
import { runWorker } from "./run-worker";
import { codeLocationOf } from "./sdk/code-location";
import { describeCodeLocation } from "./sdk/definitions";
import { evaluateInstigator } from "./sdk/evaluate-instigator";

const STANDBY_FLAG = "--standby";
/** Same name as server/standby.ts's READY_FD_ENV; the bundle entry does not import the server. */
const READY_FD_ENV = "FLIGHTDECK_READY_FD";

export async function describeLocationModule(loadModule: () => Promise<unknown>): Promise<Definitions> {
  return describeCodeLocation(codeLocationOf(await loadModule()));
}

/** `POST /schedules|sensors/:name/evaluate` on the code location server: runs the user's function. */
export async function evaluateInLocationModule(
  loadModule: () => Promise<unknown>,
  kind: "schedules" | "sensors",
  name: string,
  body: unknown,
): Promise<unknown> {
  return evaluateInstigator(codeLocationOf(await loadModule()), kind, name, body);
}

/** Runs the run worker when this bundle is the process's main module, then exits with its code. */
export async function runWorkerIfMain(loadModule: () => Promise<unknown>, bundleUrl: string): Promise<void> {
  const main = process.argv[1];
  if (!main || pathToFileURL(realpathSync(main)).href !== bundleUrl) return;
  installSourceMappedStacks(fileURLToPath(bundleUrl));
  const argument = process.argv[2];
  if (argument === STEP_FLAG) process.exit(await serveStep(loadModule));
  const launchFile = argument === STANDBY_FLAG ? await standBy(loadModule) : argument;
  if (launchFile === null) process.exit(0);
  if (!launchFile) {
    console.error("usage: node <bundle>.mjs <launch.json> | --standby");
    process.exit(2);
  }
  if (hasLifeline()) watchLifeline();
  const code = await runWorker(loadModule, launchFile);
  // Exit now: user code may leave timers or sockets open, and the run is over.
  process.exit(code);
}

/**
 * Warms up, then returns the first line on stdin: a launch file, or null when stdin closes first.
 * Stdin is watched from the start: when the server goes (however it ended, its end of the pipe
 * closes), a standby exits at once, even while the user's module is still loading or never loads.
 */
async function standBy(loadModule: () => Promise<unknown>): Promise<string | null> {
  const line = readFirstLine();
  void line.then((launchFile) => {
    if (launchFile === null) process.exit(0);
  });
  // Load failures are reported by the run itself, as RUN_FAILURE; here they only end the warm-up.
  await loadModule().catch(() => undefined);
  await warmUpHttpClient().catch(() => undefined);
  signalReady();
  return line;
}

/**
 * Tells the server this standby is warm: one line on the fd it named (server/standby.ts times
 * spawn → ready to size its pool). The variable goes, so nothing this process starts inherits it.
 */
function signalReady(): void {
  const fd = Number(process.env[READY_FD_ENV]);
  delete process.env[READY_FD_ENV];
  if (!Number.isInteger(fd) || fd < 3) return;
  try {
    writeSync(fd, "ready\n");
    closeSync(fd);
  } catch (error) {
    // EPIPE: the server is gone, and stdin's end is about to stop this process anyway.
    console.error(`flightdeck: could not report this standby ready: ${String(error)}`);
  }
}

function readFirstLine(): Promise<string | null> {
  return new Promise((resolve) => {
    let buffer = "";
    const finish = (line: string | null) => {
      process.stdin.off("data", onData);
      process.stdin.off("end", onEnd);
      // With a lifeline (lifeline.ts) stdin stays open: its end is the agent's.
      if (!hasLifeline()) process.stdin.destroy();
      resolve(line);
    };
    const onData = (chunk: string) => {
      buffer += chunk;
      const newline = buffer.indexOf("\n");
      if (newline >= 0) finish(buffer.slice(0, newline));
    };
    const onEnd = () => finish(null);
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", onData);
    process.stdin.once("end", onEnd);
  });
}

/**
 * The first HTTP request of a Node process pays for loading fetch and compiling its HTTP parser
 * (~50 ms here, measured), which would otherwise land between RUN_START and the first step. One
 * real request to a throwaway loopback server pays it while the process waits for a launch.
 */
async function warmUpHttpClient(): Promise<void> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.end("{}"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
      signal: AbortSignal.timeout(5_000),
    });
    await res.text();
  } finally {
    server.close();
    server.closeAllConnections();
  }
}
