/**
 * A step's compute logs (its captured stdout and stderr), tailed live: each poll asks only for
 * what came after the offsets it already has and appends it. Polling stops once the run has ended
 * and a poll brought nothing new.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { errorMessage } from "../../api/client";
import { getComputeLogs } from "../../api/executors";
import { LIVE_INTERVAL_MS } from "../../stores/poll";

const LOG_STYLE = { maxHeight: "20rem", overflow: "auto", whiteSpace: "pre-wrap", fontSize: "0.8rem" };

export function ComputeLogs({ runId, step, ended }: { runId: string; step: string; ended: boolean }) {
  const stdout = useSignal("");
  const stderr = useSignal("");
  const error = useSignal<string | null>(null);

  useEffect(() => {
    stdout.value = "";
    stderr.value = "";
    error.value = null;
    const offsets = { stdout: 0, stderr: 0 };
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const reply = await getComputeLogs(runId, step, offsets, abort.signal);
        const grew = reply.stdout_offset !== offsets.stdout || reply.stderr_offset !== offsets.stderr;
        stdout.value += reply.stdout;
        stderr.value += reply.stderr;
        offsets.stdout = reply.stdout_offset;
        offsets.stderr = reply.stderr_offset;
        error.value = null;
        if (ended && !grew) return;
      } catch (err) {
        if (abort.signal.aborted) return;
        error.value = errorMessage(err);
      }
      timer = setTimeout(() => void tick(), LIVE_INTERVAL_MS);
    };
    void tick();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, [runId, step, ended]);

  return (
    <section class="card" data-testid="compute-logs" data-step={step}>
      <h2>
        Logs of step <span class="mono">{step}</span>
      </h2>
      {error.value ? <div class="notice notice-error">{error.value}</div> : null}
      <h3 class="small muted">stdout</h3>
      <pre style={LOG_STYLE} data-testid="compute-log-stdout">
        {stdout.value || "(nothing captured)"}
      </pre>
      <h3 class="small muted">stderr</h3>
      <pre style={LOG_STYLE} data-testid="compute-log-stderr">
        {stderr.value || "(nothing captured)"}
      </pre>
    </section>
  );
}
