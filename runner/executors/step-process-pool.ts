/**
 * Pre-forked step processes: like the server's standby run workers (server/standby.ts), a few
 * `node <bundle> --step` processes are started ahead of need, so a step does not wait for Node to
 * start and load the code location. Each process still runs exactly one step attempt; taking a
 * spare starts its replacement while there is work left. Step processes stay in the run worker's
 * process group (not detached), so terminating the run's group reaches them too.
 */
import { type ChildProcess, spawn } from "node:child_process";
import type { StepProcessSpec } from "./executor";
import type { StepProcessMessage } from "./step-messages";

export interface StepProcess {
  readonly child: ChildProcess;
  /** Resolves true once the process has loaded the code location, false if it died first. */
  readonly ready: Promise<boolean>;
}

export class StepProcessPool {
  private readonly spares: StepProcess[] = [];
  private readonly all = new Set<ChildProcess>();

  constructor(
    private readonly spec: StepProcessSpec,
    /** How many spares to keep while steps are left to start. */
    private readonly size: number,
  ) {}

  /** Keeps up to min(size, wanted) spares started. */
  fill(wanted: number): void {
    while (this.spares.length < Math.min(this.size, wanted)) this.spares.push(this.start());
  }

  take(): StepProcess {
    return this.spares.shift() ?? this.start();
  }

  /** Every step process still alive, spares included. */
  get live(): ChildProcess[] {
    return [...this.all].filter((child) => child.exitCode === null && child.signalCode === null);
  }

  /** Ends the spares (their stdin-less wait ends when IPC closes). */
  close(): void {
    for (const spare of this.spares.splice(0)) spare.child.disconnect?.();
  }

  signalAll(signal: NodeJS.Signals): void {
    for (const child of this.live) child.kill(signal);
  }

  private start(): StepProcess {
    const child = spawn(this.spec.execPath, [...this.spec.args], {
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      env: this.spec.env ?? process.env,
      serialization: "advanced",
    });
    this.all.add(child);
    child.once("exit", () => this.all.delete(child));
    const ready = new Promise<boolean>((resolve) => {
      const onMessage = (message: StepProcessMessage) => {
        if (message.type !== "ready") return;
        child.off("message", onMessage);
        resolve(true);
      };
      child.on("message", onMessage);
      child.once("exit", () => resolve(false));
      child.once("error", () => resolve(false));
    });
    return { child, ready };
  }
}
