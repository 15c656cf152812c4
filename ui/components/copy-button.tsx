/** A button that copies a value (a run id) to the clipboard and says, also to screen readers, that it did. */
import { useState } from "preact/hooks";

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState<"idle" | "copied" | "failed">("idle");
  const copy = () => {
    // The async clipboard API needs a focused, secure page; the selection copy works where it does not.
    navigator.clipboard.writeText(text).then(
      () => setCopied("copied"),
      () => setCopied(copyBySelection(text) ? "copied" : "failed"),
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

function copyBySelection(text: string): boolean {
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.append(area);
  area.select();
  try {
    return document.execCommand("copy");
  } finally {
    area.remove();
  }
}
