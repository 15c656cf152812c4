import type { ComponentChildren } from "preact";

export function PageHeader({
  title,
  sub,
  actions,
}: {
  title: ComponentChildren;
  sub?: ComponentChildren;
  actions?: ComponentChildren;
}) {
  return (
    <header class="page-header">
      <div>
        <h1>{title}</h1>
        {sub ? <div class="page-sub">{sub}</div> : null}
      </div>
      {actions ? <div class="page-actions">{actions}</div> : null}
    </header>
  );
}
