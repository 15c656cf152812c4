/** The runs page's filters, kept in the URL so a filtered view can be linked, reloaded and gone back to. */
import { type RunStatus, RunStatusSchema } from "../../../protocol/run";
import type { RunFilters } from "../../api/endpoints";
import { withQuery } from "../../lib/router";

export type RunsView = { status: RunStatus[]; job: string; tags: string[]; cursor: string };

export function readView(search: URLSearchParams): RunsView {
  const status = (search.get("status") ?? "")
    .split(",")
    .filter((s): s is RunStatus => RunStatusSchema.safeParse(s).success);
  return { status, job: search.get("job") ?? "", tags: search.getAll("tag"), cursor: search.get("cursor") ?? "" };
}

export function viewHref(view: RunsView): string {
  return withQuery("/runs", {
    status: view.status.join(","),
    job: view.job,
    tag: view.tags,
    cursor: view.cursor,
  });
}

export function toFilters(view: RunsView): RunFilters {
  return { status: view.status, job: view.job || undefined, tags: view.tags, cursor: view.cursor || undefined };
}

export const TAG_FILTER_PATTERN = /^[^=]+=.*$/;
