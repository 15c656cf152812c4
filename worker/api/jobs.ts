/** `/api/jobs`: the jobs of every LOADED code location, and one job with its op graph and run config schema (viewer). */
import { Hono } from "hono";
import type { z } from "zod";
import type { JobListSchema, JobReplySchema } from "../../protocol";
import type { AppEnv } from "../app-env";
import { listJobs, resolveLoadedJob } from "../code-locations/jobs";

export const jobRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const jobs = await listJobs(c.get("deps").db);
    return c.json({ jobs } satisfies z.infer<typeof JobListSchema>);
  })
  .get("/:location/:job", async (c) => {
    const location = c.req.param("location");
    const job = await resolveLoadedJob(c.get("deps").db, location, c.req.param("job"));
    return c.json({ job: { ...job, location } } satisfies z.infer<typeof JobReplySchema>);
  });
