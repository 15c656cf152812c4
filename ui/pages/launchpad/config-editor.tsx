/**
 * The run config editor: a plain textarea over a highlight layer, with line numbers. Lines with a
 * problem are marked in the gutter and tinted, and each problem is written under the editor with
 * its line; clicking one puts the cursor there.
 *
 * Tab indents, as in every code editor; so that a keyboard user is never trapped, Escape releases
 * the next Tab (or Shift+Tab) to move focus on, as CodeMirror does, and the hint under the editor
 * says so.
 */
import { useRef } from "preact/hooks";
import type { ConfigProblem } from "./validate";

type Props = { text: string; problems: ConfigProblem[]; onChange: (text: string) => void };

export function ConfigEditor({ text, problems, onChange }: Props) {
  const area = useRef<HTMLTextAreaElement>(null);
  const layer = useRef<HTMLDivElement>(null);
  const tabLeaves = useRef(false);
  const lines = text.split("\n");
  const byLine = new Map<number, ConfigProblem[]>();
  for (const p of problems) byLine.set(p.line, [...(byLine.get(p.line) ?? []), p]);

  const goTo = (line: number) => {
    const el = area.current;
    if (!el) return;
    let offset = 0;
    for (let k = 1; k < line; k++) offset += (lines[k - 1] ?? "").length + 1;
    el.focus();
    el.setSelectionRange(offset, offset + (lines[line - 1] ?? "").length);
  };

  return (
    <div class="config-editor">
      <div class="editor">
        <div class="editor-layer" ref={layer} aria-hidden="true">
          {lines.map((line, k) => {
            const here = byLine.get(k + 1);
            return (
              <div key={k} class={`editor-line${here ? " has-error" : ""}`} data-line={k + 1}>
                <span class="editor-gutter" title={here?.map((p) => p.message).join("\n")}>
                  {here ? "●" : k + 1}
                </span>
                <span class="editor-text">{line || " "}</span>
                {here ? <span class="editor-note">{here.map((p) => p.message).join("; ")}</span> : null}
              </div>
            );
          })}
        </div>
        <textarea
          ref={area}
          class="editor-input"
          spellcheck={false}
          autoCapitalize="off"
          autoComplete="off"
          wrap="off"
          value={text}
          aria-label="Run config (JSON)"
          data-testid="launchpad-editor"
          onInput={(e) => onChange(e.currentTarget.value)}
          onScroll={(e) => {
            if (layer.current) {
              layer.current.scrollTop = e.currentTarget.scrollTop;
              layer.current.scrollLeft = e.currentTarget.scrollLeft;
            }
          }}
          aria-describedby="editor-keys"
          onBlur={() => {
            tabLeaves.current = false;
          }}
          onKeyDown={(e) => {
            if (e.key === "Escape") {
              tabLeaves.current = true;
              return;
            }
            if (e.key !== "Tab" || e.shiftKey || tabLeaves.current) {
              tabLeaves.current = false;
              return;
            }
            e.preventDefault();
            const el = e.currentTarget;
            const { selectionStart: s, selectionEnd: end } = el;
            onChange(`${el.value.slice(0, s)}  ${el.value.slice(end)}`);
            requestAnimationFrame(() => el.setSelectionRange(s + 2, s + 2));
          }}
        />
      </div>
      <div class="muted small" id="editor-keys">
        Tab indents. Press Esc, then Tab, to leave the editor.
      </div>
      {problems.length === 0 ? (
        <div class="config-ok" data-testid="launchpad-valid">
          ✓ The run config matches the job's schema.
        </div>
      ) : (
        <ul class="problems" data-testid="launchpad-problems">
          {problems.map((p) => (
            <li
              key={`${p.line}:${p.path}:${p.message}`}
              data-testid="launchpad-error"
              data-path={p.path}
              data-line={p.line}
            >
              <button type="button" class="problem" onClick={() => goTo(p.line)}>
                <span class="problem-line">line {p.line}</span>
                <span class="mono problem-path">{p.path}</span>
                <span class="problem-msg">{p.message}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
