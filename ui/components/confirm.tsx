/** A modal confirmation for destructive actions (terminate). Escape cancels. */
import type { ComponentChildren } from "preact";
import { useEffect } from "preact/hooks";

type Props = {
  title: string;
  children?: ComponentChildren;
  confirmLabel: string;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
};

export function ConfirmDialog({ title, children, confirmLabel, busy, onConfirm, onCancel }: Props) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") onCancel();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onCancel]);
  return (
    <div class="backdrop">
      <div class="dialog" role="dialog" aria-modal="true" aria-label={title} data-testid="confirm-dialog">
        <h2>{title}</h2>
        <div class="dialog-body">{children}</div>
        <div class="dialog-actions">
          <button type="button" class="btn" data-testid="confirm-cancel" onClick={onCancel}>
            Cancel
          </button>
          <button type="button" class="btn btn-danger" data-testid="confirm-ok" disabled={busy} onClick={onConfirm}>
            {busy ? "Working…" : confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
