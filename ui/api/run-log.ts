/** API calls behind the run page's step chart and its paged event log. */
import { EventListSchema } from "../../protocol/api";
import type { LogLevel } from "../../protocol/events";
import { RunStepSummarySchema } from "../../protocol/step-summary";
import { apiRequest } from "./client";

const enc = encodeURIComponent;

export const getRunSteps = (id: string, signal?: AbortSignal) =>
  apiRequest("GET", `/api/runs/${enc(id)}/steps`, RunStepSummarySchema, undefined, { signal });

export type LogFilter = { step: string | null; levels: ReadonlySet<LogLevel>; heartbeats: boolean; text: string };
/** Where a page sits: the newest (`tail`), just older than an id, or just newer than one. */
export type LogAnchor = { tail: true } | { before: number } | { after: number };

export function eventPagePath(id: string, filter: LogFilter, anchor: LogAnchor, limit: number): string {
  const q = new URLSearchParams({ limit: String(limit), counts: "true" });
  if ("tail" in anchor) q.set("tail", "true");
  else if ("before" in anchor) q.set("before", String(anchor.before));
  else q.set("after", String(anchor.after));
  if (filter.step !== null) q.set("step", filter.step);
  q.set("levels", [...filter.levels].join(","));
  if (!filter.heartbeats) q.set("heartbeats", "false");
  if (filter.text.trim() !== "") q.set("q", filter.text.trim());
  return `/api/runs/${enc(id)}/events?${q}`;
}

export const listEventPage = (id: string, filter: LogFilter, anchor: LogAnchor, limit: number, signal?: AbortSignal) =>
  apiRequest("GET", eventPagePath(id, filter, anchor, limit), EventListSchema, undefined, { signal });
