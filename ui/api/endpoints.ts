/** One typed function per API call the dashboard makes; each reply parsed with its protocol schema. */
import { z } from "zod";
import {
  CodeLocationListSchema,
  CodeLocationReplySchema,
  JobListSchema,
  JobReplySchema,
  RunListSchema,
  RunReplySchema,
  type SubmitRun,
} from "../../protocol/api";
import type { RunStatus } from "../../protocol/run";
import {
  BulkTerminateReplySchema,
  InstanceHistoryReplySchema,
  InstanceReplySchema,
  RunStatsSchema,
  SessionReplySchema,
} from "../../protocol/ui-api";
import { apiRequest } from "./client";

const enc = encodeURIComponent;

export const getSession = () =>
  apiRequest("GET", "/api/session", SessionReplySchema, undefined, { allowUnauthorized: true });
export const createSession = (token: string) =>
  apiRequest("POST", "/api/session", SessionReplySchema, { token }, { allowUnauthorized: true });
export const deleteSession = () =>
  apiRequest("DELETE", "/api/session", z.unknown(), undefined, { allowUnauthorized: true });

export type RunFilters = {
  status?: readonly RunStatus[];
  job?: string;
  location?: string;
  tags?: readonly string[];
  cursor?: string;
  limit?: number;
  /** Created at or after / before these times (ms). */
  createdAfter?: number;
  createdBefore?: number;
};

export function runListPath(f: RunFilters): string {
  const q = new URLSearchParams();
  if (f.status && f.status.length > 0) q.set("status", f.status.join(","));
  if (f.job) q.set("job", f.job);
  if (f.location) q.set("location", f.location);
  for (const tag of f.tags ?? []) q.append("tag", tag);
  if (f.createdAfter !== undefined) q.set("created_after", String(f.createdAfter));
  if (f.createdBefore !== undefined) q.set("created_before", String(f.createdBefore));
  if (f.cursor) q.set("cursor", f.cursor);
  q.set("limit", String(f.limit ?? 50));
  return `/api/runs?${q}`;
}

export const listRuns = (f: RunFilters, signal?: AbortSignal) =>
  apiRequest("GET", runListPath(f), RunListSchema, undefined, { signal });
export const getRun = async (id: string, signal?: AbortSignal) =>
  (await apiRequest("GET", `/api/runs/${enc(id)}`, RunReplySchema, undefined, { signal })).run;
export const submitRun = async (input: SubmitRun) => (await apiRequest("POST", "/api/runs", RunReplySchema, input)).run;
export const terminateRun = async (id: string) =>
  (await apiRequest("POST", `/api/runs/${enc(id)}/terminate`, RunReplySchema)).run;
export const terminateRuns = (runIds: string[]) =>
  apiRequest("POST", "/api/runs/terminate", BulkTerminateReplySchema, { run_ids: runIds });
export const getRunStats = (hours: number, signal?: AbortSignal) =>
  apiRequest("GET", `/api/runs/stats?hours=${hours}`, RunStatsSchema, undefined, { signal });

export const listJobs = async (signal?: AbortSignal) =>
  (await apiRequest("GET", "/api/jobs", JobListSchema, undefined, { signal })).jobs;
export const getJob = async (location: string, job: string, signal?: AbortSignal) =>
  (await apiRequest("GET", `/api/jobs/${enc(location)}/${enc(job)}`, JobReplySchema, undefined, { signal })).job;

export const listCodeLocations = async (signal?: AbortSignal) =>
  (await apiRequest("GET", "/api/code-locations", CodeLocationListSchema, undefined, { signal })).code_locations;
export const reloadCodeLocation = async (name: string) =>
  (await apiRequest("POST", `/api/code-locations/${enc(name)}/reload`, CodeLocationReplySchema)).code_location;

export const getInstance = (signal?: AbortSignal) =>
  apiRequest("GET", "/api/instance", InstanceReplySchema, undefined, { signal });
export const getInstanceHistory = (signal?: AbortSignal) =>
  apiRequest("GET", "/api/instance/history?limit=50", InstanceHistoryReplySchema, undefined, { signal });
