/**
 * A run id as people read it: the short form (lib/run-id.ts) as a link to the run, with the full
 * id in its accessible name and tooltip, and an optional button that copies the full id.
 */
import { useState } from "preact/hooks";
import { shortRunId } from "../lib/run-id";
import { Link } from "./link";

export function RunIdLink({ id, testId, current }: { id: string; testId?: string; current?: boolean }) {
  const short = shortRunId(id);
  if (current)
    return (
      <strong class="mono" title={id} data-testid={testId} data-run-id={id}>
        {short}
      </strong>
    );
  return (
    <Link href={`/runs/${id}`} class="mono" title={id} data-testid={testId} data-run-id={id}>
      {short}
    </Link>
  );
}

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState<"idle" | "copied" | "failed">("idle");
  const copy = () => {
    navigator.clipboard.writeText(text).then(
      () => setCopied("copied"),
      () => setCopied("failed"),
    );
  };
  return (
    <button type="button" class="btn btn-small copy-btn" onClick={copy} aria-label={label} data-testid="copy-button">
      {copied === "copied" ? "Copied" : copied === "failed" ? "Copy failed" : "Copy"}
      <span class="sr-only" aria-live="polite">
        {copied === "copied" ? "Copied to the clipboard" : ""}
      </span>
    </button>
  );
}
