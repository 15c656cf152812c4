/**
 * "Test" on a schedule's or sensor's page (Dagster's "Test schedule" / "Test sensor" dialogs):
 * pick the tick (schedule) or the cursor (sensor), evaluate once through the code location, and
 * see the run requests — each with its job, run key (and whether a real tick would skip it as
 * already used), tags and run config — or
 * the skip reason, or the evaluation's error. Nothing is launched or stored; for a sensor, the
 * cursor the evaluation returned can be saved, as Dagster's dialog offers.
 */
import { useSignal } from "@preact/signals";
import type { InstigatorTestReply } from "../../../protocol/automation";
import { errorMessage } from "../../api/client";
import { TagList } from "../../components/tags";
import { formatAbsolute } from "../../lib/time";

type Props =
  | { kind: "schedule"; nextTicks: number[]; evaluate: (at: number) => Promise<InstigatorTestReply> }
  | {
      kind: "sensor";
      cursor: string | null;
      evaluate: (cursor: string | null) => Promise<InstigatorTestReply>;
      saveCursor: (cursor: string | null) => Promise<unknown>;
    };

export function InstigatorTest(props: Props) {
  const tick = useSignal(String(props.kind === "schedule" ? (props.nextTicks[0] ?? "") : ""));
  const cursor = useSignal(props.kind === "sensor" ? (props.cursor ?? "") : "");
  const busy = useSignal(false);
  const result = useSignal<InstigatorTestReply | null>(null);
  const failure = useSignal<string | null>(null);
  const saved = useSignal(false);

  const run = async () => {
    busy.value = true;
    failure.value = null;
    saved.value = false;
    try {
      result.value =
        props.kind === "schedule"
          ? await props.evaluate(Number(tick.value))
          : await props.evaluate(cursor.value === "" ? null : cursor.value);
    } catch (err) {
      result.value = null;
      failure.value = errorMessage(err);
    } finally {
      busy.value = false;
    }
  };

  return (
    <section class="card" data-testid="instigator-test" aria-labelledby="test-title">
      <h2 id="test-title">Test</h2>
      <p class="muted small">
        Evaluates the {props.kind} once in its code location and shows what it would ask for. Nothing is launched or
        stored.
      </p>
      <form
        class="test-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        {props.kind === "schedule" ? (
          <label>
            <span>Tick</span>
            <select
              class="input"
              data-testid="test-tick"
              value={tick.value}
              onChange={(e) => (tick.value = e.currentTarget.value)}
            >
              {props.nextTicks.map((t) => (
                <option key={t} value={String(t)}>
                  {formatAbsolute(t)}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <label>
            <span>Cursor</span>
            <input
              class="input mono"
              data-testid="test-cursor"
              value={cursor.value}
              placeholder="(none)"
              onInput={(e) => (cursor.value = e.currentTarget.value)}
            />
          </label>
        )}
        <button type="submit" class="btn btn-primary" disabled={busy.value} data-testid="test-evaluate">
          {busy.value ? "Evaluating…" : "Evaluate"}
        </button>
      </form>
      {failure.value ? (
        <div class="notice notice-error" role="alert">
          {failure.value}
        </div>
      ) : null}
      {result.value ? (
        <TestResult
          reply={result.value}
          onSaveCursor={
            props.kind === "sensor"
              ? async (c) => {
                  await props.saveCursor(c);
                  saved.value = true;
                }
              : null
          }
          saved={saved.value}
        />
      ) : null}
    </section>
  );
}

function TestResult({
  reply,
  onSaveCursor,
  saved,
}: {
  reply: InstigatorTestReply;
  onSaveCursor: ((cursor: string | null) => Promise<void>) | null;
  saved: boolean;
}) {
  const saveError = useSignal<string | null>(null);
  return (
    <div class="test-result" data-testid="test-result" aria-live="polite">
      {reply.error !== null ? (
        <div class="notice notice-error" data-testid="test-error">
          <strong>The evaluation failed.</strong>
          <pre class="stack">{reply.error}</pre>
        </div>
      ) : reply.run_requests.length === 0 ? (
        <div class="notice" data-testid="test-skip">
          Skipped: {reply.skip_reason ?? "no run requests."}
        </div>
      ) : (
        <table class="table" data-testid="test-requests">
          <caption class="muted small">
            {reply.run_requests.length} run request{reply.run_requests.length === 1 ? "" : "s"}
            {reply.scheduled_time !== null ? ` for the tick at ${formatAbsolute(reply.scheduled_time)}` : ""}
          </caption>
          <thead>
            <tr>
              <th>Job</th>
              <th>Run key</th>
              <th>Tags</th>
              <th>Run config</th>
            </tr>
          </thead>
          <tbody>
            {reply.run_requests.map((r, k) => (
              <tr key={`${r.run_key ?? ""}-${k}`} data-testid="test-request">
                <td>{r.job ?? <span class="muted">none named</span>}</td>
                <td class="mono">
                  {r.run_key ?? <span class="muted">—</span>}
                  {r.run_key_used ? <div class="muted small">already used: a tick would skip it</div> : null}
                </td>
                <td>{r.tags && Object.keys(r.tags).length > 0 ? <TagList tags={r.tags} /> : "—"}</td>
                <td>
                  <pre class="test-config">{r.run_config ? JSON.stringify(r.run_config, null, 2) : "{}"}</pre>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {onSaveCursor && reply.error === null ? (
        <div class="kv" data-testid="test-cursor-result">
          <span>Cursor after</span>
          <span class="mono">
            {reply.cursor_after ?? "—"}
            {reply.cursor_after === reply.cursor_before ? <span class="muted small"> (unchanged)</span> : null}
          </span>
          {reply.cursor_after !== reply.cursor_before ? (
            <>
              <span />
              <span>
                <button
                  type="button"
                  class="btn"
                  data-testid="test-save-cursor"
                  disabled={saved}
                  onClick={() => {
                    saveError.value = null;
                    onSaveCursor(reply.cursor_after).catch((err: unknown) => {
                      saveError.value = errorMessage(err);
                    });
                  }}
                >
                  {saved ? "Cursor saved" : "Save this cursor"}
                </button>
                {saveError.value ? <div class="notice notice-error">{saveError.value}</div> : null}
              </span>
            </>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
