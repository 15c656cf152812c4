/**
 * Asking the run coordinator's alarm to run the daemon's sensors pass at (or before) a moment: the
 * cron after each sensors pass (so the object learns of sensors it has not seen), and the API when
 * a sensor is started. A lost request only delays a sensor to the next cron minute, so a failure
 * is logged and the caller goes on.
 */
import { coordinatorStub } from "../coordinator/coordinator-stub";

export async function wakeDaemonAt(env: Pick<Env, "RUN_COORDINATOR">, at: number): Promise<void> {
  try {
    await coordinatorStub(env).wakeDaemonAt(at);
  } catch (error) {
    console.error("daemon: could not ask the run coordinator's alarm to wake the sensors pass:", error);
  }
}
