/**
 * What the CLI prints for people: aligned tables, times in the local time zone, colour only when
 * stdout is a terminal (and NO_COLOR is unset), so piped output is plain text. Scripts use
 * `--json` instead, which prints the API's reply unchanged.
 */
import type { RunStatus } from "../../protocol";

export interface Output {
  readonly color: boolean;
  line(text?: string): void;
  json(value: unknown): void;
}

export function terminalOutput(stream: NodeJS.WriteStream = process.stdout, env = process.env): Output {
  const color = Boolean(stream.isTTY) && !env.NO_COLOR && env.TERM !== "dumb";
  return {
    color,
    line: (text = "") => stream.write(`${text}\n`),
    json: (value) => stream.write(`${JSON.stringify(value, null, 2)}\n`),
  };
}

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, gray: 90, bold: 1 } as const;
export type Color = keyof typeof CODES;

export function paint(out: Output, color: Color, text: string): string {
  return out.color ? `\u001b[${CODES[color]}m${text}\u001b[0m` : text;
}

const STATUS_COLORS: Partial<Record<string, Color>> = {
  SUCCESS: "green",
  FAILURE: "red",
  CANCELED: "gray",
  CANCELING: "yellow",
  QUEUED: "blue",
  STARTING: "yellow",
  STARTED: "yellow",
  RUNNING: "green",
  STOPPED: "gray",
  LOADED: "green",
  LOAD_ERROR: "red",
  SKIPPED: "gray",
};

export function paintStatus(out: Output, status: RunStatus | string): string {
  const color = STATUS_COLORS[status];
  return color ? paint(out, color, status) : status;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape codes paint() adds
const ANSI = /\u001b\[[0-9;]*m/g;
export const stripColor = (s: string) => s.replace(ANSI, "");
const visibleLength = (s: string) => stripColor(s).length;

/** Columns padded to their widest cell, two spaces apart; the last column is not padded. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => visibleLength(r[i] ?? ""))));
  const format = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell + " ".repeat((widths[i] ?? 0) - visibleLength(cell))))
      .join("  ")
      .trimEnd();
  return [format(headers), ...rows.map(format)];
}

export function printTable(out: Output, headers: readonly string[], rows: readonly (readonly string[])[]): void {
  if (rows.length === 0) return;
  const [head = "", ...body] = formatTable(headers, rows);
  out.line(paint(out, "bold", head));
  for (const row of body) out.line(row);
}

const pad = (n: number) => String(n).padStart(2, "0");

/** `2026-12-03 21:04:05` in the local time zone (TZ decides); "-" for none. */
export function localTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "-";
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** `1h 02m`, `3m 05s`, `12.3s`; "-" when it has not started. */
export function formatDuration(ms: number | null): string {
  if (ms === null || ms < 0) return "-";
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
}
