/**
 * The run config editor: a plain textarea over a highlight layer, with line numbers. Lines with a
 * problem are marked in the gutter and tinted, and each problem is written under the editor with
 * its line; clicking one puts the cursor there.
 *
 * Completion from the job's config schema: Ctrl+Space lists the fields that may go at the cursor
 * (or the values a field takes); ↑/↓ choose, Enter inserts, Esc closes. The list follows ARIA's
 * pattern as CodeMirror's autocompletion does: the textarea stays a textbox, with
 * `aria-autocomplete`, `aria-controls` and `aria-activedescendant` pointing into a listbox, so a
 * screen reader reads the chosen option while the focus stays in the text. The docs of the field
 * at the cursor show under the editor, and those of the field under the mouse in a tooltip.
 *
 * Tab is never taken: it moves on to the next control as in any form field, so the keyboard is
 * never trapped here (Enter keeps the line's indentation instead).
 */
import { useLayoutEffect, useRef, useState } from "preact/hooks";
import type { JsonValue } from "../../../protocol/json";
import { type CursorContext, jsonContextAt, pathOfContext, yamlContextAt } from "./config-cursor";
import { type Completion, completionsAt, docsAt, type FieldDoc } from "./config-schema";
import type { ConfigProblem } from "./validate";

export type ConfigFormat = "json" | "yaml";

type Props = {
  text: string;
  format: ConfigFormat;
  schema: unknown;
  problems: ConfigProblem[];
  onChange: (text: string) => void;
  /** How a key completion is written in YAML (config-yaml.ts, loaded with YAML). */
  yamlMember?: (key: string, value: JsonValue, indent: number) => string;
};

type Open = { items: Completion[]; active: number; context: CursorContext };

const LIST_ID = "config-completions";

function contextAt(text: string, cursor: number, format: ConfigFormat): CursorContext {
  return format === "yaml" ? yamlContextAt(text, cursor) : jsonContextAt(text, cursor);
}

function suggestions(schema: unknown, context: CursorContext): Completion[] {
  const all =
    context.kind === "key"
      ? completionsAt(schema, { kind: "key", path: context.path, present: context.present })
      : completionsAt(schema, { kind: "value", path: context.path });
  const typed = context.prefix.toLowerCase();
  return all.filter((c) => c.label.replace(/^"/, "").toLowerCase().startsWith(typed));
}

export function describeDoc(doc: FieldDoc): string {
  const parts = [doc.type];
  if (doc.required) parts.push("required");
  if (doc.default !== undefined) parts.push(`default ${JSON.stringify(doc.default)}`);
  return parts.join(", ");
}

/** The text a completion puts in place of `from`..`to`, and where the cursor goes after it. */
function insertion(
  text: string,
  item: Completion,
  context: CursorContext,
  format: ConfigFormat,
  yamlMember: Props["yamlMember"],
): { text: string; caret: number } {
  const { from, to } = context;
  let insert: string;
  if (item.kind === "value") insert = JSON.stringify(item.value);
  else if (format === "yaml") {
    const lineStart = text.lastIndexOf("\n", from - 1) + 1;
    const keepsValue = context.kind === "key" && context.key !== null && text.charAt(to - 1) === ":";
    insert = keepsValue
      ? `${item.label}:`
      : (yamlMember?.(item.label, item.value, from - lineStart) ?? `${item.label}: ${JSON.stringify(item.value)}`);
  } else {
    const after = text.slice(to).trimStart();
    const before = text.slice(0, from).trimEnd();
    const key = JSON.stringify(item.label);
    insert = after.startsWith(":") ? key : `${key}: ${JSON.stringify(item.value)}`;
    if (!after.startsWith(":")) {
      if (before !== "" && !/[{[,:]$/.test(before)) insert = `, ${insert}`;
      if (after.startsWith('"')) insert = `${insert},`;
    }
  }
  return { text: text.slice(0, from) + insert + text.slice(to), caret: from + insert.length };
}

export function ConfigEditor({ text, format, schema, problems, onChange, yamlMember }: Props) {
  const area = useRef<HTMLTextAreaElement>(null);
  const layer = useRef<HTMLDivElement>(null);
  /** Where the cursor goes once the text has become `text` (after an insertion). */
  const caret = useRef<{ text: string; at: number } | null>(null);
  const [open, setOpen] = useState<Open | null>(null);
  const [cursorDoc, setCursorDoc] = useState<FieldDoc | null>(null);
  const [hover, setHover] = useState<{ doc: FieldDoc; x: number; y: number } | null>(null);
  const lines = text.split("\n");
  const byLine = new Map<number, ConfigProblem[]>();
  for (const p of problems) byLine.set(p.line, [...(byLine.get(p.line) ?? []), p]);

  useLayoutEffect(() => {
    const el = area.current;
    const pending = caret.current;
    if (el && pending && el.value === pending.text) {
      el.setSelectionRange(pending.at, pending.at);
      caret.current = null;
    }
  });

  const docAt = (offset: number) => docsAt(schema, pathOfContext(contextAt(text, offset, format)));
  const followCursor = (el: HTMLTextAreaElement) =>
    setCursorDoc(docsAt(schema, pathOfContext(contextAt(el.value, el.selectionStart, format))));

  const refresh = (value: string, cursor: number, forceOpen: boolean) => {
    if (!open && !forceOpen) return;
    const context = contextAt(value, cursor, format);
    const items = suggestions(schema, context);
    setOpen(items.length > 0 || forceOpen ? { items, active: 0, context } : null);
  };

  const accept = (item: Completion, context: CursorContext) => {
    const result = insertion(text, item, context, format, yamlMember);
    caret.current = { text: result.text, at: result.caret };
    setOpen(null);
    onChange(result.text);
  };

  const goTo = (line: number) => {
    const el = area.current;
    if (!el) return;
    let offset = 0;
    for (let k = 1; k < line; k++) offset += (lines[k - 1] ?? "").length + 1;
    el.focus();
    el.setSelectionRange(offset, offset + (lines[line - 1] ?? "").length);
  };

  /** The text offset under a mouse position: line from the line height, column from the font's "0" width. */
  const offsetAt = (el: HTMLTextAreaElement, clientX: number, clientY: number): number | null => {
    const style = getComputedStyle(el);
    const lineHeight = Number.parseFloat(style.lineHeight) || 19;
    const probe = layer.current?.querySelector(".editor-probe");
    const charWidth = probe ? probe.getBoundingClientRect().width / 10 : 7.5;
    const rect = el.getBoundingClientRect();
    const line = Math.floor((clientY - rect.top + el.scrollTop - Number.parseFloat(style.paddingTop)) / lineHeight);
    const col = Math.floor((clientX - rect.left + el.scrollLeft - Number.parseFloat(style.paddingLeft)) / charWidth);
    const lineText = lines[line];
    if (lineText === undefined || col < 0 || col >= lineText.length || lineText.charAt(col) === " ") return null;
    let offset = 0;
    for (let k = 0; k < line; k++) offset += (lines[k] ?? "").length + 1;
    return offset + col;
  };

  const activeId = open && open.items.length > 0 ? `${LIST_ID}-${open.active}` : undefined;
  return (
    <div class="config-editor">
      <div class="editor">
        <div class="editor-layer" ref={layer} aria-hidden="true">
          <span class="editor-probe">0000000000</span>
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
          aria-label={`Run config (${format === "yaml" ? "YAML" : "JSON"})`}
          aria-autocomplete="list"
          aria-haspopup="listbox"
          aria-controls={open ? LIST_ID : undefined}
          aria-activedescendant={activeId}
          aria-describedby="editor-keys editor-docs"
          data-testid="launchpad-editor"
          data-format={format}
          onInput={(e) => {
            const el = e.currentTarget;
            onChange(el.value);
            refresh(el.value, el.selectionStart, false);
            followCursor(el);
          }}
          onKeyUp={(e) => followCursor(e.currentTarget)}
          onClick={(e) => {
            setOpen(null);
            followCursor(e.currentTarget);
          }}
          onFocus={(e) => followCursor(e.currentTarget)}
          onBlur={() => setOpen(null)}
          onScroll={(e) => {
            if (layer.current) {
              layer.current.scrollTop = e.currentTarget.scrollTop;
              layer.current.scrollLeft = e.currentTarget.scrollLeft;
            }
            setOpen(null);
          }}
          onMouseMove={(e) => {
            const offset = offsetAt(e.currentTarget, e.clientX, e.clientY);
            const doc = offset === null ? null : docAt(offset);
            const box = e.currentTarget.getBoundingClientRect();
            setHover(doc ? { doc, x: e.clientX - box.left, y: e.clientY - box.top } : null);
          }}
          onMouseLeave={() => setHover(null)}
          onKeyDown={(e) => {
            const el = e.currentTarget;
            if (e.key === " " && e.ctrlKey) {
              e.preventDefault();
              refresh(el.value, el.selectionStart, true);
              return;
            }
            if (open) {
              const n = open.items.length;
              if (e.key === "ArrowDown" || e.key === "ArrowUp") {
                e.preventDefault();
                if (n > 0) setOpen({ ...open, active: (open.active + (e.key === "ArrowDown" ? 1 : n - 1)) % n });
                return;
              }
              if (e.key === "Enter") {
                const item = open.items[open.active];
                if (item) {
                  e.preventDefault();
                  accept(item, open.context);
                  return;
                }
              }
              if (e.key === "Escape") {
                e.preventDefault();
                e.stopPropagation();
                setOpen(null);
                return;
              }
              if (e.key === "Tab") setOpen(null); // and the focus moves on: Tab is never kept
            }
            if (e.key === "Enter" && !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey) {
              // Keep the line's indentation, one level deeper after an opening bracket or "key:".
              e.preventDefault();
              const { selectionStart: s, selectionEnd: end, value } = el;
              const lineStart = value.lastIndexOf("\n", s - 1) + 1;
              const before = value.slice(lineStart, s);
              const indent = /^ */.exec(before)?.[0] ?? "";
              const deeper = /[{[]\s*$/.test(before) || (format === "yaml" && /:\s*$/.test(before));
              const insert = `\n${indent}${deeper ? "  " : ""}`;
              const next = value.slice(0, s) + insert + value.slice(end);
              caret.current = { text: next, at: s + insert.length };
              onChange(next);
            }
          }}
        />
        {open ? (
          <div
            class="completions"
            id={LIST_ID}
            role="listbox"
            aria-label="Suggestions from the job's config schema"
            data-testid="launchpad-completions"
            style={{
              top: `${text.slice(0, open.context.from).split("\n").length * 19 + 8 - (area.current?.scrollTop ?? 0)}px`,
              left: `min(calc(55px + ${open.context.from - text.lastIndexOf("\n", open.context.from - 1) - 1}ch), calc(100% - 270px))`,
            }}
          >
            {open.items.length === 0 ? (
              <div class="completion-empty" role="option" tabIndex={-1} aria-selected="false" aria-disabled="true">
                Nothing to suggest here
              </div>
            ) : (
              open.items.map((item, k) => (
                <div
                  key={`${item.kind}:${item.label}`}
                  tabIndex={-1}
                  id={`${LIST_ID}-${k}`}
                  role="option"
                  aria-selected={k === open.active}
                  class={`completion${k === open.active ? " active" : ""}`}
                  data-testid="launchpad-completion"
                  data-label={item.label}
                  onMouseDown={(e) => {
                    e.preventDefault(); // keep the focus in the text
                    accept(item, open.context);
                  }}
                >
                  <span class="completion-label mono">{item.label}</span>
                  <span class="completion-detail">
                    {item.detail}
                    {item.required ? " · required" : ""}
                  </span>
                  {item.description ? <span class="completion-doc">{item.description}</span> : null}
                </div>
              ))
            )}
          </div>
        ) : null}
        {hover ? (
          <div
            class="hover-docs"
            role="tooltip"
            data-testid="launchpad-hover-docs"
            style={{ left: `min(${hover.x + 12}px, calc(100% - 290px))`, top: `${hover.y + 16}px` }}
          >
            <div class="mono strong">{hover.doc.path}</div>
            <div class="muted small">{describeDoc(hover.doc)}</div>
            {hover.doc.description ? <div>{hover.doc.description}</div> : null}
          </div>
        ) : null}
      </div>
      <div class="sr-only" aria-live="polite" data-testid="launchpad-completions-status">
        {open ? `${open.items.length} suggestion${open.items.length === 1 ? "" : "s"}` : ""}
      </div>
      <div class="editor-docs small" id="editor-docs" data-testid="launchpad-docs">
        {cursorDoc ? (
          <>
            <span class="mono strong">{cursorDoc.path}</span> <span class="muted">{describeDoc(cursorDoc)}</span>
            {cursorDoc.description ? <span> — {cursorDoc.description}</span> : null}
          </>
        ) : (
          <span class="muted">Put the cursor on a field to see its docs.</span>
        )}
      </div>
      <div class="muted small" id="editor-keys">
        Ctrl+Space suggests fields from the job's config schema: ↑ ↓ to choose, Enter to insert, Esc to close. Tab moves
        on to the next control.
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
