/**
 * `/api/code-locations`: the workspace (Dagster's workspace.yaml, editable at runtime). Handlers
 * parse input and shape replies; the workspace module does the work. Roles per route are in the route table.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import type { z } from "zod";
import type { CodeLocation, CodeLocationListSchema, CodeLocationReplySchema } from "../../protocol";
import { CreateCodeLocationSchema } from "../../protocol";
import { alertCodeLocationFailed } from "../alerts/alert-hooks";
import type { AppEnv } from "../app-env";
import {
  registerCodeLocation,
  reloadCodeLocation,
  removeCodeLocation,
  replaceCodeLocation,
} from "../code-locations/workspace";
import { takeUpLoadedSchedules } from "../daemon/location-loaded";
import { parseOrFail, readJsonBody } from "../http/read-json-body";
import { getCodeLocationDefinitions, listCodeLocations } from "../storage/code-locations-repo";

type CodeLocationReply = z.infer<typeof CodeLocationReplySchema>;

/**
 * After a load: a location that loaded has its default-RUNNING schedules taken up by the daemon
 * now; one that failed alerts the policies watching CODE_LOCATION_LOAD_FAILURE, after the reply.
 */
async function afterLoad(c: Context<AppEnv>, codeLocation: CodeLocation): Promise<void> {
  if (codeLocation.status === "LOAD_ERROR") {
    const failed = { name: codeLocation.name, error: codeLocation.load_error, at: codeLocation.updated_at };
    c.executionCtx.waitUntil(alertCodeLocationFailed(c.env, failed, c.req.url));
    return;
  }
  if (codeLocation.status !== "LOADED") return;
  const { db, now } = c.get("deps");
  const loaded = await getCodeLocationDefinitions(db, codeLocation.name);
  if (loaded?.definitions) await takeUpLoadedSchedules(db, codeLocation.name, loaded.definitions, now());
}

const ReplaceCodeLocationSchema = CreateCodeLocationSchema.omit({ name: true });

const NameParamSchema = CreateCodeLocationSchema.pick({ name: true });

function nameParam(name: string): string {
  return parseOrFail(NameParamSchema, { name }, "The code location name in the path is not valid").name;
}

export const codeLocationRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const codeLocations = await listCodeLocations(c.get("deps").db);
    return c.json({ code_locations: codeLocations } satisfies z.infer<typeof CodeLocationListSchema>);
  })
  .post("/", async (c) => {
    const input = await readJsonBody(c, CreateCodeLocationSchema);
    const codeLocation = await registerCodeLocation(c.get("deps").workspace, input);
    await afterLoad(c, codeLocation);
    return c.json({ code_location: codeLocation } satisfies CodeLocationReply, 201);
  })
  .put("/:name", async (c) => {
    const name = nameParam(c.req.param("name"));
    const input = await readJsonBody(c, ReplaceCodeLocationSchema);
    const { codeLocation, created } = await replaceCodeLocation(c.get("deps").workspace, { name, ...input });
    await afterLoad(c, codeLocation);
    return c.json({ code_location: codeLocation } satisfies CodeLocationReply, created ? 201 : 200);
  })
  .post("/:name/reload", async (c) => {
    const codeLocation = await reloadCodeLocation(c.get("deps").workspace, c.req.param("name"));
    await afterLoad(c, codeLocation);
    return c.json({ code_location: codeLocation } satisfies CodeLocationReply);
  })
  .delete("/:name", async (c) => {
    await removeCodeLocation(c.get("deps").db, c.req.param("name"));
    return c.body(null, 204);
  });
