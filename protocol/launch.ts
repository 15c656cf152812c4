/**
 * The HTTP run launcher's contract: control plane → code location server (DESIGN.md §5.2).
 * Every request is signed (see webhook-signature.ts).
 */
import { z } from "zod";
import { NameSchema } from "./definitions";
import { RunConfigSchema, TagsSchema } from "./run";

export const LaunchRequestSchema = z.object({
  run_id: z.string().min(1),
  attempt: z.number().int().positive(),
  location: z.string(),
  job: NameSchema,
  run_config: RunConfigSchema,
  tags: TagsSchema,
  /** Where the run worker posts its events: `<control plane>/api/runs/<run_id>/events`. */
  events_url: z.string().url(),
  /** Bearer token for events_url, valid for this run and attempt only. */
  run_token: z.string().min(1),
  /** Set when run monitoring resumes a run whose worker died (the launch is its next attempt). */
  resume: z.boolean().optional(),
  /**
   * With `resume`: the steps that succeeded in an earlier attempt of this run. The run worker does
   * not run them again; steps downstream load their outputs from this run's stored outputs.
   */
  succeeded_step_keys: z.array(z.string()).optional(),
  reexecution: z.object({ parent_run_id: z.string(), step_keys: z.array(z.string()) }).optional(),
});
export type LaunchRequest = z.infer<typeof LaunchRequestSchema>;

export const LaunchReplySchema = z.object({ handle: z.string() });
export type LaunchReply = z.infer<typeof LaunchReplySchema>;

export const RunWorkerStateSchema = z.enum(["running", "exited", "unknown"]);
export const RunWorkerHealthSchema = z.object({
  state: RunWorkerStateSchema,
  exit_code: z.number().int().nullable().optional(),
  signal: z.string().nullable().optional(),
});
export type RunWorkerHealth = z.infer<typeof RunWorkerHealthSchema>;
