/** API calls of the queue page (DESIGN.md §8): the queue, reordering, pause/resume, and the limits. */

import { RunReplySchema } from "../../protocol/api";
import type { InstanceConfigOverrides } from "../../protocol/instance-config";
import {
  InstancePatchReplySchema,
  QueuePausedReplySchema,
  QueueReplySchema,
  type UpdateRun,
} from "../../protocol/queue";
import { apiRequest } from "./client";

const enc = encodeURIComponent;

export const getQueue = (offset: number, limit: number, signal?: AbortSignal) =>
  apiRequest("GET", `/api/queue?offset=${offset}&limit=${limit}`, QueueReplySchema, undefined, { signal });

export const updateQueuedRun = async (runId: string, change: UpdateRun) =>
  (await apiRequest("PATCH", `/api/runs/${enc(runId)}`, RunReplySchema, change)).run;

export const setQueuePaused = (paused: boolean) =>
  apiRequest("POST", `/api/queue/${paused ? "pause" : "resume"}`, QueuePausedReplySchema);

export const patchInstance = (overrides: InstanceConfigOverrides) =>
  apiRequest("PATCH", "/api/instance", InstancePatchReplySchema, overrides);
