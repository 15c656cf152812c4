/** An error as a run worker reported it: name, message, the stack, and its causes, all as text. */
import type { SerializedError } from "../../../protocol/events";

export function ErrorView({ error, open }: { error: SerializedError; open?: boolean }) {
  const cause = error.cause as SerializedError | undefined;
  return (
    <div class="error-view" data-testid="error-view">
      <div class="error-head">
        <span class="error-name">{error.name}</span>: <span data-testid="error-message">{error.message}</span>
      </div>
      {error.stack ? (
        <details open={open}>
          <summary>Stack trace</summary>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a long stack scrolls; keyboard users must reach it to scroll it (WCAG 2.1.1). */}
          <pre class="stack" data-testid="error-stack" tabIndex={0}>
            {error.stack}
          </pre>
        </details>
      ) : null}
      {cause && typeof cause === "object" && "message" in cause ? (
        <div class="error-cause">
          <span class="muted small">Caused by</span>
          <ErrorView error={cause} />
        </div>
      ) : null}
    </div>
  );
}
