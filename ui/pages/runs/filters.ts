/**
 * The runs page's filters and view, kept in the URL so a filtered view can be linked, reloaded and
 * gone back to. The date range is `created_after` / `created_before` as the browser's local
 * date-time (`2026-12-03T09:30`), the form a datetime-local field reads and writes.
 */
import { type RunStatus, RunStatusSchema } from "../../../protocol/run";
import type { RunFilters } from "../../api/endpoints";
import { withQuery } from "../../lib/router";

export type RunsLayout = "table" | "timeline";
export type RunsView = {
  status: RunStatus[];
  job: string;
  tags: string[];
  cursor: string;
  createdAfter: string;
  createdBefore: string;
  layout: RunsLayout;
};

export const EMPTY_VIEW: RunsView = {
  status: [],
  job: "",
  tags: [],
  cursor: "",
  createdAfter: "",
  createdBefore: "",
  layout: "table",
};

/** Milliseconds of a local date-time, or undefined when it is empty or not a date. */
export function localDateTimeMs(value: string): number | undefined {
  if (value === "") return undefined;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}

export function readView(search: URLSearchParams): RunsView {
  const status = (search.get("status") ?? "")
    .split(",")
    .filter((s): s is RunStatus => RunStatusSchema.safeParse(s).success);
  const date = (key: string) => {
    const value = search.get(key) ?? "";
    return localDateTimeMs(value) === undefined ? "" : value;
  };
  return {
    status,
    job: search.get("job") ?? "",
    tags: search.getAll("tag"),
    cursor: search.get("cursor") ?? "",
    createdAfter: date("created_after"),
    createdBefore: date("created_before"),
    layout: search.get("view") === "timeline" ? "timeline" : "table",
  };
}

export function viewHref(view: RunsView): string {
  return withQuery("/runs", {
    status: view.status.join(","),
    job: view.job,
    tag: view.tags,
    created_after: view.createdAfter,
    created_before: view.createdBefore,
    view: view.layout === "timeline" ? "timeline" : "",
    cursor: view.cursor,
  });
}

export function toFilters(view: RunsView): RunFilters {
  return {
    status: view.status,
    job: view.job || undefined,
    tags: view.tags,
    cursor: view.cursor || undefined,
    createdAfter: localDateTimeMs(view.createdAfter),
    createdBefore: localDateTimeMs(view.createdBefore),
  };
}

export function hasFilters(view: RunsView): boolean {
  return (
    view.status.length > 0 ||
    view.job !== "" ||
    view.tags.length > 0 ||
    view.createdAfter !== "" ||
    view.createdBefore !== ""
  );
}

export const TAG_FILTER_PATTERN = /^[^=]+=.*$/;
