/** A button that copies a value (a run id) to the clipboard and says, also to screen readers, that it did. */
import { useState } from "preact/hooks";

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
