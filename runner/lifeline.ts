/**
 * A run worker started by an agent dies with the agent. The agent keeps the write end of the run
 * worker's stdin open for the run's whole life; when the agent ends however it ends (SIGKILL
 * included), the kernel closes that end, the run worker reads end-of-file and kills its own
 * process group (its step processes with it). The coordinator has declared the agent's runs lost
 * by then (AGENT_LOST), so nothing may keep running in their name: no orphans on a machine whose
 * agent is gone. A code location server's run workers (no lifeline) outlive it, as before.
 */
export const LIFELINE_ENV = "FLIGHTDECK_LIFELINE";

export function hasLifeline(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[LIFELINE_ENV] === "1";
}

/** Watches stdin: at its end, the whole process group goes. */
export function watchLifeline(): void {
  const die = () => {
    try {
      process.kill(-process.pid, "SIGKILL");
    } catch {
      // Not a group leader (started without `detached`): this process alone.
      process.kill(process.pid, "SIGKILL");
    }
  };
  process.stdin.once("end", die);
  process.stdin.once("close", die);
  process.stdin.on("data", () => undefined);
  process.stdin.resume();
}
