/**
 * The `flightdeck` CLI's commands for operating an instance against a real control plane
 * (`wrangler dev`) and the demo code location: the queue paused, reordered and resumed; the
 * instance config set and read; API tokens made, used and revoked. Also the served OpenAPI
 * document, checked by a maintained OpenAPI validator. Each command runs as its own Node process,
 * as a user types it (test/support/cli.ts), logged in once.
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { QueueReplySchema, RunReplySchema } from "../../protocol";
import { expectOneLineError, shortId, useCliStack } from "../support/cli";
import { waitUntil } from "../support/e2e-stack";

const c = useCliStack({ loggedIn: true });
const { cli, api, getRun } = c;

describe("flightdeck queue", () => {
  it("pauses, reorders by priority and by `run next`, shows why runs wait, and resumes", async () => {
    expect((await cli(["queue", "pause"])).stdout).toMatch(/paused/);
    const ids: string[] = [];
    for (const name of ["first", "second", "third"]) {
      const r = await cli(["job", "launch", "demo/sleepy", "--tag", `name=${name}`, "--json"]);
      expect(r.code, r.stderr).toBe(0);
      ids.push(RunReplySchema.parse(JSON.parse(r.stdout)).run.id);
    }
    const [first = "", second = "", third = ""] = ids;

    const prioritized = await cli(["run", "priority", shortId(second), "7"]);
    expect(prioritized.stdout).toMatch(/priority 7/);
    expect((await cli(["run", "next", shortId(third)])).code).toBe(0);

    const table = await cli(["queue"]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^Queue: paused/);
    const order = table.stdout
      .split("\n")
      .filter((l) => /^\d+\s/.test(l))
      .map((l) => l.split(/\s+/)[1]);
    expect(order).toEqual([shortId(third), shortId(second), shortId(first)]);
    expect(table.stdout).toMatch(/the queue is paused \(flightdeck queue resume\)/);

    const json = QueueReplySchema.parse(JSON.parse((await cli(["queue", "--json"])).stdout));
    expect(json.queued.map((r) => r.run_id)).toEqual([third, second, first]);

    expect((await cli(["queue", "resume"])).stdout).toMatch(/admitting/);
    await waitUntil(async () => (await getRun(third)).status !== "QUEUED", 60_000, "the queue to admit again");
    const terminated = await cli(["run", "terminate", ...ids.map((id) => shortId(id))]);
    expect(terminated.code, terminated.stderr).toBe(0);
  });

  it("refuses to reorder a run that is not queued", async () => {
    const run = await api().submitRun({ location: "demo", job: "noop" });
    expect((await api().waitForRun(run.id, { timeoutMs: 60_000 })).status).toBe("SUCCESS");
    expectOneLineError(await cli(["run", "priority", run.id, "3"]), /not QUEUED/, 1);
  });
});

describe("flightdeck instance", () => {
  it("sets a setting of the instance config, reads it back as an override, and names an unknown one", async () => {
    const set = await cli(["instance", "set", "run_coordinator.max_concurrent_runs", "4"]);
    expect(set.stdout, set.stderr).toBe("run_coordinator.max_concurrent_runs: 10 → 4\n");
    const got = await cli(["instance", "get", "run_coordinator.max_concurrent_runs"]);
    expect(got.stdout).toMatch(/^run_coordinator\.max_concurrent_runs\s+4\s+override$/m);
    expectOneLineError(
      await cli(["instance", "set", "run_coordinator.nope", "1"]),
      /not an instance config setting/,
      2,
    );
  });
});

describe("flightdeck token", () => {
  it("creates a token whose secret logs in with its role, lists it, and revokes it", async () => {
    const made = await cli(["token", "create", "cli-viewer", "--role", "viewer", "--json"]);
    expect(made.code, made.stderr).toBe(0);
    const { token, secret } = JSON.parse(made.stdout) as { token: { id: string }; secret: string };
    expect(secret).toMatch(/^fdt_/);

    const asViewer = { env: { FLIGHTDECK_TOKEN: secret } };
    expect((await cli(["run", "list"], asViewer)).code).toBe(0);
    expectOneLineError(await cli(["queue", "pause"], asViewer), /needs the operator role/, 1);

    const list = await cli(["token", "list"]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`${token.id}\\s+cli-viewer\\s+viewer`));

    const revoked = await cli(["token", "revoke", token.id]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expectOneLineError(await cli(["run", "list"], asViewer), /revoked/, 1);
  });
});

describe("the served OpenAPI document", () => {
  it("is valid OpenAPI 3.1, and /api/docs renders it", async () => {
    const { url } = c.stack.controlPlane;
    const doc: unknown = await (await fetch(`${url}/api/openapi.json`)).json();
    // Both fetched before the validator's seconds of CPU: a kept-alive connection left idle that
    // long may be closed by the server just as the next request reuses it.
    const page = await fetch(`${url}/api/docs`);
    const pageText = await page.text();
    const validator = new Validator();
    const result = await validator.validate(doc as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(pageText).toMatch(/id="submitRun"/);
  });
});
