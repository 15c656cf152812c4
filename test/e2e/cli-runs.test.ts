/**
 * The `flightdeck` CLI's everyday path against a real control plane (`wrangler dev`) and the demo
 * code location: log in, list and launch jobs (and wait for them), follow a run's logs, list,
 * show and re-execute runs. Each command runs as its own Node process, as a user types it
 * (test/support/cli.ts). Automation and operating the instance are cli-automation.test.ts and
 * cli-operate.test.ts, with stacks of their own, so the three run side by side.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { RunListSchema, RunReplySchema } from "../../protocol";
import { expectOneLineError, finish, shortId, useCliStack } from "../support/cli";
import { waitUntil } from "../support/e2e-stack";

const c = useCliStack({ loggedIn: false });
const { cli, api, getRun } = c;

describe("flightdeck login", () => {
  it("refuses a wrong token with one line and saves nothing", async () => {
    const result = await cli(["login", c.stack.controlPlane.url], { input: "fd_admin_not-the-token\n" });
    expectOneLineError(result, /refused the token/);
    expect(existsSync(path.join(c.configHome, "flightdeck/credentials.json"))).toBe(false);
  });

  it("checks the token and keeps it in the config dir, readable by the user only", async () => {
    const result = await cli(["login", `${c.stack.controlPlane.url}/`], { input: `${c.stack.adminToken}\n` });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Logged in to http:\/\/127\.0\.0\.1:\d+ \(Flightdeck \d+\.\d+\.\d+\)/);
    const file = path.join(c.configHome, "flightdeck/credentials.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({
      url: c.stack.controlPlane.url,
      token: c.stack.adminToken,
    });
  });

  it("lets FLIGHTDECK_TOKEN override the saved token: a wrong one is one line and exit 1", async () => {
    const result = await cli(["run", "list"], { env: { FLIGHTDECK_TOKEN: "wrong" } });
    expectOneLineError(result, /admin token/, 1);
  });
});

describe("flightdeck job launch", () => {
  it("lists the demo's jobs in an aligned table", async () => {
    const result = await cli(["job", "list"]);
    expect(result.code, result.stderr).toBe(0);
    const [header = "", ...rows] = result.stdout.trimEnd().split("\n");
    expect(header).toMatch(/^JOB\s+LOCATION\s+OPS\s+EXECUTOR\s+DESCRIPTION$/);
    const diamond = rows.find((r) => r.startsWith("demo/diamond"));
    expect(diamond?.indexOf("demo ", 5)).toBe(header.indexOf("LOCATION"));
  });

  it("with --wait exits 0 when the run succeeds, with a YAML run config and tags", async () => {
    const config = path.join(c.stack.dir, "greet.yaml");
    writeFileSync(config, "ops:\n  hello:\n    config:\n      name: Ada\n");
    const result = await cli(["job", "launch", "demo/greet", "--config", config, "--tag", "team=cli", "--wait"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/SUCCESS/);
    const id = /Launched run ([0-9a-f-]{36})/.exec(result.stdout)?.[1] ?? "";
    const run = await getRun(id);
    expect(run).toMatchObject({ status: "SUCCESS", run_config: { ops: { hello: { config: { name: "Ada" } } } } });
    expect(run.tags.team).toBe("cli");
  });

  it("with --wait exits non-zero when the run fails", async () => {
    const result = await cli(["job", "launch", "fails", "--wait", "--json"]);
    expect(result.code).toBe(1);
    expect(RunReplySchema.parse(JSON.parse(result.stdout)).run.status).toBe("FAILURE");
  });

  it("names an unknown job in one line, exit 1", async () => {
    expectOneLineError(await cli(["job", "launch", "demo/nope"]), /nope/, 1);
  });

  it("refuses a config file that is not YAML in one line, exit 2, launching nothing", async () => {
    const before = (await api().request("GET", "/api/runs?limit=500", RunListSchema)).runs.length;
    const config = path.join(c.stack.dir, "broken.yaml");
    writeFileSync(config, "ops:\n  hello: [unclosed\n");
    expectOneLineError(await cli(["job", "launch", "demo/greet", "--config", config]), /broken\.yaml.*line/, 2);
    expect((await api().request("GET", "/api/runs?limit=500", RunListSchema)).runs).toHaveLength(before);
  });

  it("passes on the API's message when the run config does not fit the job", async () => {
    const config = path.join(c.stack.dir, "wrong.json");
    writeFileSync(config, JSON.stringify({ ops: { hello: { config: { name: 5 } } } }));
    expectOneLineError(await cli(["job", "launch", "demo/greet", "-c", config]), /ops\.hello\.config\.name/, 1);
  });
});

describe("flightdeck run logs --follow", () => {
  it("prints events as they arrive and exits when the run ends", async () => {
    // A nap far longer than the test: the run ends because it is terminated, however slow the machine.
    const config = path.join(c.stack.dir, "long-nap.yaml");
    writeFileSync(config, "ops:\n  nap:\n    config:\n      seconds: 3600\n");
    const launched = await cli(["job", "launch", "demo/sleepy", "--config", config, "--json"]);
    const { run } = RunReplySchema.parse(JSON.parse(launched.stdout));
    const child = c.start(["run", "logs", shortId(run.id, 6), "--follow"]);
    const done = finish(child);
    let seen = "";
    child.stdout?.on("data", (d: Buffer) => {
      seen += d.toString();
    });
    // The nap op logs once a second: its first line arrives while the run is still going.
    await waitUntil(() => /slept 0 of 3600 seconds/.test(seen), 60_000, "the first log line of the running step");
    expect(child.exitCode).toBeNull();
    expect((await getRun(run.id)).status).toBe("STARTED");
    expect(seen).toMatch(/RUN_START\b/);

    const terminated = await cli(["run", "terminate", shortId(run.id, 6)]);
    expect(terminated.code, terminated.stderr).toBe(0);
    const result = await done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/RUN_CANCELED/);
    expect(result.stdout.trimEnd().split("\n").at(-1)).toBe(`Run ${run.id} ended: CANCELED`);
  });
});

describe("flightdeck run", () => {
  it("lists runs in local time and shows one by prefix", async () => {
    const listed = await cli(["run", "list", "--status", "success", "--limit", "5"], { env: { TZ: "Asia/Kolkata" } });
    expect(listed.code, listed.stderr).toBe(0);
    const [header = "", row = ""] = listed.stdout.split("\n");
    expect(header).toMatch(/^RUN\s+JOB\s+STATUS\s+CREATED\s+DURATION\s+TAGS$/);
    const { runs } = await api().request("GET", "/api/runs?status=SUCCESS&limit=1", RunListSchema);
    const newest = runs[0];
    if (!newest) throw new Error("an earlier test's run should have succeeded");
    // Kolkata is UTC+05:30, so the local minute is the UTC minute plus 30, wrapping the hour.
    const created = new Date(newest.created_at + 5.5 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");
    expect(row).toContain(`${shortId(newest.id)}  demo/greet`);
    expect(row).toContain(created);

    const shown = await cli(["run", "show", shortId(newest.id, 5)]);
    expect(shown.stdout).toContain(`Run:      ${newest.id}`);
    expect(shown.stdout).toMatch(/Status:\s+SUCCESS/);
  });

  it("re-executes a failed run from its failure and prints a run's events as JSON lines", async () => {
    const { runs: failed } = await api().request("GET", "/api/runs?status=FAILURE&limit=1", RunListSchema);
    const failure = failed[0];
    if (!failure) throw new Error("an earlier test's run should have failed");
    const reexecuted = await cli(["run", "reexecute", failure.id, "--from-failure", "--json"]);
    expect(reexecuted.code, reexecuted.stderr).toBe(0);
    expect(RunReplySchema.parse(JSON.parse(reexecuted.stdout)).run).toMatchObject({ parent_run_id: failure.id });
    const events = await cli(["run", "logs", failure.id, "--json"]);
    const types = events.stdout
      .trimEnd()
      .split("\n")
      .map((l) => (JSON.parse(l) as { type: string }).type);
    expect(types).toContain("STEP_FAILURE");
    expect(types).toContain("RUN_FAILURE");
  });
});
