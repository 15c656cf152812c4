/**
 * Bodies and replies of the control plane's API (DESIGN.md §5.1). Request bodies derive from the
 * entity schemas; the UI, the CLI and the tests parse every reply with these.
 */
import { z } from "zod";
import { JobDefinitionSchema } from "./definitions";
import { LogLevelSchema, StoredEventSchema } from "./events";
import { RunConfigSchema, RunSchema, RunStatusSchema, TagsSchema, TimestampSchema } from "./run";

export const HealthSchema = z.object({ status: z.literal("ok"), version: z.string() });

// ---- code locations (the workspace)

export const LocationNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, "use lowercase letters, digits, '-' and '_', starting with a letter or digit")
  .max(64);

export const CodeLocationStatusSchema = z.enum(["LOADING", "LOADED", "LOAD_ERROR"]);
export type CodeLocationStatus = z.infer<typeof CodeLocationStatusSchema>;

export const CodeLocationSchema = z.object({
  name: LocationNameSchema,
  url: z.string(),
  status: CodeLocationStatusSchema,
  /** The whole error when loading failed: what was asked, what came back. */
  load_error: z.string().nullable(),
  loaded_at: TimestampSchema.nullable(),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
  job_count: z.number().int().nonnegative(),
});
export type CodeLocation = z.infer<typeof CodeLocationSchema>;

export const CreateCodeLocationSchema = z.object({
  name: LocationNameSchema,
  url: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//.test(u), "the url must start with http:// or https://"),
  /** The Standard Webhooks secret the code location server was started with (`whsec_...`). */
  secret: z.string().startsWith("whsec_", "the secret must start with 'whsec_'"),
});
export type CreateCodeLocation = z.infer<typeof CreateCodeLocationSchema>;

export const CodeLocationReplySchema = z.object({ code_location: CodeLocationSchema });
export const CodeLocationListSchema = z.object({ code_locations: z.array(CodeLocationSchema) });

// ---- jobs

export const JobSummarySchema = JobDefinitionSchema.pick({
  name: true,
  description: true,
  tags: true,
  executor: true,
}).extend({
  location: LocationNameSchema,
  node_count: z.number().int().nonnegative(),
});
export type JobSummary = z.infer<typeof JobSummarySchema>;
export const JobListSchema = z.object({ jobs: z.array(JobSummarySchema) });

export const JobDetailSchema = JobDefinitionSchema.extend({ location: LocationNameSchema });
export type JobDetail = z.infer<typeof JobDetailSchema>;
export const JobReplySchema = z.object({ job: JobDetailSchema });

// ---- runs

export const SubmitRunSchema = z.object({
  location: z.string().min(1),
  job: z.string().min(1),
  run_config: RunConfigSchema.optional(),
  tags: TagsSchema.optional(),
  /** Shorthand for the `flightdeck/priority` tag; higher launches first. */
  priority: z.number().int().optional(),
});
export type SubmitRun = z.infer<typeof SubmitRunSchema>;

export const RunReplySchema = z.object({ run: RunSchema });

/**
 * Caps on the run list's filters. Each status and each tag filter becomes bound parameters of one
 * D1 statement, and D1 binds at most 100: past these a request is refused with a 400 that names
 * the cap, instead of failing in storage. Eight is every status there is.
 */
export const MAX_STATUS_FILTERS = 8;
export const MAX_TAG_FILTERS = 20;

export const RunListQuerySchema = z.object({
  /** Comma-separated statuses. */
  status: z
    .string()
    .transform((s) => s.split(",").filter(Boolean))
    .pipe(z.array(RunStatusSchema))
    .optional(),
  location: z.string().optional(),
  job: z.string().optional(),
  /** `key=value`; repeatable. */
  tag: z.array(z.string().regex(/^[^=]+=.*$/, "write a tag filter as key=value")).optional(),
  created_after: z.coerce.number().int().optional(),
  created_before: z.coerce.number().int().optional(),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type RunListQuery = z.infer<typeof RunListQuerySchema>;

export const RunListSchema = z.object({ runs: z.array(RunSchema), next_cursor: z.string().nullable() });

const flag = z.enum(["true", "false"], { error: 'must be "true" or "false"' });

/**
 * A page of a run's log, keyset-paged by event id: `after` (the oldest page first, or what came
 * since a cursor), `before` (the page just older than an event), or `tail=true` (the newest page).
 * The filters are the log viewer's: `step`, `levels` (comma-separated), `heartbeats=false`, and
 * `q` (text in the type, step, message or data, case-insensitive). `counts=true` adds how many
 * events match and how many of them come before the page, for "events 101–200 of 9,880".
 */
export const EventListQuerySchema = z
  .object({
    after: z.coerce.number().int().nonnegative().default(0),
    before: z.coerce.number().int().positive().optional(),
    tail: flag.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(500),
    step: z.string().min(1).max(256).optional(),
    levels: z
      .string()
      .transform((s) => s.split(",").filter((l) => l !== ""))
      .pipe(z.array(LogLevelSchema).min(1, "name at least one level: DEBUG, INFO, WARNING, ERROR or CRITICAL"))
      .optional(),
    heartbeats: flag.optional(),
    q: z.string().min(1).max(200).optional(),
    counts: flag.optional(),
  })
  .refine((q) => q.before === undefined || q.tail !== "true", {
    message: "pass `before` or `tail=true`, not both",
    path: ["tail"],
  });
export type EventListQuery = z.infer<typeof EventListQuerySchema>;

export const EventListSchema = z.object({
  events: z.array(StoredEventSchema),
  /** Pass as `after` to get what came since; equals the request's `after` when nothing is new. */
  cursor: z.number().int().nonnegative(),
  /** With `counts=true`: events matching the filters, and how many of them are older than this page. */
  matched: z.number().int().nonnegative().optional(),
  older: z.number().int().nonnegative().optional(),
});
