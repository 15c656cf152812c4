/** What a run worker calls with its run token: the events webhook and compute log uploads. */
import { EventAckSchema, EventBatchSchema } from "../events";
import { ComputeLogChunkSchema } from "../executors";
import { type ApiRoute, ComputeLogStoredReplySchema, json, RunIdParams, StepParams } from "./route-table";

export const RUN_WORKER_ROUTES: readonly ApiRoute[] = [
  {
    method: "POST",
    path: "/api/runs/{id}/events",
    auth: "run_token",
    id: "ingestRunEvents",
    tag: "run workers",
    summary: "A run worker's event batch; a redelivered event is stored once",
    params: RunIdParams,
    body: EventBatchSchema,
    replies: { 200: json(EventAckSchema, "stored through this sequence number") },
    errors: [404],
  },
  {
    method: "POST",
    path: "/api/runs/{id}/compute-logs/{step}",
    auth: "run_token",
    id: "uploadComputeLogs",
    tag: "run workers",
    summary: "A chunk of a step's stdout or stderr at a byte offset (re-sending an offset replaces it)",
    params: StepParams,
    body: ComputeLogChunkSchema,
    replies: { 200: json(ComputeLogStoredReplySchema, "stored through this byte offset") },
    errors: [404],
  },
];
