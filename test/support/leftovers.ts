/**
 * Global setup of the whole suite: nothing a test starts may outlive it. Setup gives the run its
 * own temporary directory (TMPDIR, inherited by every process the tests start: wrangler,
 * miniflare, workerd, code location servers, run workers, Chromium) and marks the environment
 * with a run id. Teardown, after the last test, finds every process that still carries the mark
 * (orphans included, whoever their parent is now) and every directory a test left in the run's
 * temporary directory, and fails the run (exit code 1) naming them. The processes are then
 * killed, and the directory is removed when Vitest exits, so even a failed run leaves nothing.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { childProcesses, isRunning, readCmdline } from "../../runner/testing/process-table";

const MARK = "FLIGHTDECK_TEST_RUN";
/** Stopping is asynchronous (a process group's last members exit after its leader): wait this long for it. */
const SETTLE_MS = 15_000;

function markedProcesses(mark: string): { pid: number; args: string[] }[] {
  // Vitest's own pool (workers, the Workers pool's workerd) is a child of this process and is
  // closed after this teardown; what those children started is not, and is found below.
  const own = new Set(childProcesses(process.pid).map((p) => p.pid));
  const found: { pid: number; args: string[] }[] = [];
  for (const name of readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid || own.has(pid) || !isRunning(pid)) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, "utf8");
    } catch {
      continue; // gone, or not ours to read
    }
    if (environ.split("\0").includes(`${MARK}=${mark}`)) found.push({ pid, args: readCmdline(pid) });
  }
  return found;
}

async function settle<T>(check: () => T[]): Promise<T[]> {
  const deadline = Date.now() + SETTLE_MS;
  let left = check();
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    left = check();
  }
  return left;
}

export default function setup(): () => Promise<void> {
  const mark = randomUUID();
  const tmp = mkdtempSync(path.join(os.tmpdir(), "flightdeck-suite-"));
  const previousTmp = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  process.env[MARK] = mark;
  // Last of all, once Vitest has closed its pool too: whatever is left of the run's temp dir goes.
  process.once("exit", () => rmSync(tmp, { recursive: true, force: true }));

  return async () => {
    const problems: string[] = [];
    const processes = await settle(() => markedProcesses(mark));
    for (const p of processes) {
      problems.push(`process ${p.pid} still running: ${p.args.join(" ")}`);
      try {
        process.kill(p.pid, "SIGKILL");
      } catch {
        // It exited meanwhile.
      }
    }
    const dirs = await settle(() => readdirSync(tmp).filter(isTestLeftover));
    for (const dir of dirs) problems.push(`temporary directory left behind: ${path.join(tmp, dir)}`);
    if (previousTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmp;
    if (problems.length > 0) {
      // Vitest logs an error thrown here but still exits 0, so the exit code is set too.
      console.error(`\nFAIL the tests left these behind (now removed):\n  ${problems.join("\n  ")}\n`);
      process.exitCode = 1;
    }
  };
}

/** What tests and the tools they start create in the temp dir and must remove. */
function isTestLeftover(name: string): boolean {
  return /^(flightdeck-|miniflare-|wrangler|chromium-|playwright)/.test(name);
}
