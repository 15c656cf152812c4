/** Empty states, API errors in words, and loading placeholders. */
import type { ComponentChildren } from "preact";
import { ApiError, errorMessage, isUnreachable } from "../api/client";

export function EmptyState({
  title,
  children,
  testId,
}: {
  title: string;
  children?: ComponentChildren;
  testId?: string;
}) {
  return (
    <div class="empty" data-testid={testId}>
      <div class="empty-title">{title}</div>
      {children ? <div class="empty-body">{children}</div> : null}
    </div>
  );
}

function explain(err: unknown): string {
  if (!(err instanceof ApiError)) return errorMessage(err);
  if (err.status === 0) return "The control plane is not answering. The page will catch up as soon as it is back.";
  if (err.status === 403) return `Not allowed: ${err.message}`;
  if (err.status === 404) return `Not found: ${err.message}`;
  if (err.status >= 500) return `The control plane failed to answer (${err.status}): ${err.message}`;
  return err.message;
}

export function ErrorNotice({ error, title }: { error: unknown; title?: string }) {
  // The shell's banner already says the control plane is unreachable, once for the whole page.
  if (!error || isUnreachable(error)) return null;
  return (
    <div class="notice notice-error" role="alert" data-testid="api-error">
      {title ? <strong>{title} </strong> : null}
      {explain(error)}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return <div class="loading">Loading {what}…</div>;
}
