/**
 * Cron Triggers for the local control plane. `wrangler dev` never fires the crons of
 * wrangler.toml itself (it only exposes `GET /__scheduled` under `--test-scheduled`), so `npm
 * start` fires them as Cloudflare does: each cron at each of its minutes, in UTC, by calling
 * `/__scheduled?cron=<cron>` on the Worker. The timing decisions are pure (`nextCronFiring`);
 * `startCronTriggers` only waits and calls.
 */
import { nextCronTicks, parseCron } from "../../worker/daemon/cron";

/** The `crons = [...]` of wrangler.toml's `[triggers]` table. */
export function readCronTriggers(wranglerToml: string): string[] {
  const triggers = wranglerToml.match(/^\[triggers\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m)?.[1] ?? "";
  const list = triggers.match(/^\s*crons\s*=\s*\[([^\]]*)\]/m)?.[1] ?? "";
  return [...list.matchAll(/"([^"]*)"|'([^']*)'/g)].map((m) => m[1] ?? m[2] ?? "");
}

/** The next moment strictly after `now` at which any cron fires, and which crons fire then. */
export function nextCronFiring(crons: readonly string[], now: number): { at: number; crons: string[] } | null {
  let next: { at: number; crons: string[] } | null = null;
  for (const cron of crons) {
    const [at] = nextCronTicks(parseCron(cron), "UTC", now, 1);
    if (at === undefined) continue;
    if (!next || at < next.at) next = { at, crons: [cron] };
    else if (at === next.at) next.crons.push(cron);
  }
  return next;
}

export type CronTriggers = { stop: () => void };

/** Fires `crons` against the Worker at `url` until stopped; a failed call is reported, never fatal. */
export function startCronTriggers(
  url: string,
  crons: readonly string[],
  report: (message: string) => void = console.error,
): CronTriggers {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const fire = async (names: string[]) => {
    for (const cron of names) {
      try {
        const res = await fetch(`${url}/__scheduled?cron=${encodeURIComponent(cron)}`);
        if (!res.ok) report(`flightdeck: the Cron Trigger "${cron}" failed: ${res.status} ${await res.text()}`);
        else await res.body?.cancel();
      } catch (error) {
        report(`flightdeck: could not fire the Cron Trigger "${cron}": ${String(error)}`);
      }
    }
  };
  const waitUntil = (firing: { at: number; crons: string[] }) => {
    if (stopped) return;
    // Timers may wake a little early; Cloudflare never fires before the minute, so neither does this.
    const delay = firing.at - Date.now();
    if (delay > 0) {
      timer = setTimeout(() => waitUntil(firing), delay);
      return;
    }
    void fire(firing.crons).finally(() => schedule(firing.at));
  };
  const schedule = (after: number) => {
    const firing = nextCronFiring(crons, Math.max(after, Date.now()));
    if (firing) waitUntil(firing);
  };
  schedule(Date.now());
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
