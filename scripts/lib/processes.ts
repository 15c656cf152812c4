/**
 * Starting and stopping the local processes of a Flightdeck stack: each in its own process group
 * so stopping it stops its children (wrangler's workerd, a code location server's run workers).
 */
import { type ChildProcess, spawn } from "node:child_process";

export type Spawned = {
  child: ChildProcess;
  /** Everything the process printed so far, stdout and stderr interleaved. */
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<void>;
};

export type SpawnOptions = {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Echo the process's output with this prefix (for `npm start`); silent otherwise. */
  echoPrefix?: string;
};

export function spawnGroup(command: string, args: string[], opts: SpawnOptions = {}): Spawned {
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    if (opts.echoPrefix) {
      for (const line of text.split("\n")) if (line.trim()) process.stdout.write(`${opts.echoPrefix} ${line}\n`);
    }
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    child,
    output: () => output,
    async stop(signal = "SIGTERM") {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch (err) {
        // ESRCH: the group is already gone, which is what stopping wants.
        if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
      }
      const killTimer = setTimeout(() => {
        if (child.pid !== undefined) {
          try {
            process.kill(-child.pid, "SIGKILL");
          } catch {
            // Already gone between the check and the kill: nothing left to stop.
          }
        }
      }, 10_000);
      await exited;
      clearTimeout(killTimer);
    },
  };
}

/** Resolves with the first match of `pattern` in the process's output, or rejects with the output so far. */
export function waitForOutput(proc: Spawned, pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = proc.output().match(pattern);
      if (match) {
        cleanup();
        resolve(match);
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`process exited (${code}) before printing ${pattern}:\n${proc.output()}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern}:\n${proc.output()}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      proc.child.stdout?.off("data", check);
      proc.child.stderr?.off("data", check);
      proc.child.off("exit", onExit);
    };
    proc.child.stdout?.on("data", check);
    proc.child.stderr?.on("data", check);
    proc.child.once("exit", onExit);
    check();
  });
}

/** Runs a command to completion; rejects with its output when it fails. */
export function runToCompletion(command: string, args: string[], opts: SpawnOptions = {}): Promise<string> {
  const proc = spawnGroup(command, args, opts);
  return new Promise((resolve, reject) => {
    proc.child.once("exit", (code) => {
      if (code === 0) resolve(proc.output());
      else reject(new Error(`${command} ${args.join(" ")} exited ${code}:\n${proc.output()}`));
    });
  });
}
