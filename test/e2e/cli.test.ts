/**
 * The `flightdeck` CLI against a real control plane (`wrangler dev`) and the demo code location:
 * each command runs as its own Node process, as a user types it, with the user's config dir
 * pointed at a temporary one (XDG_CONFIG_HOME, which users set too). Also the served OpenAPI
 * document, checked by a maintained OpenAPI validator.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QueueReplySchema, RunListSchema, RunReplySchema, ScheduleListSchema } from "../../protocol";
import { REPO_ROOT } from "../../scripts/lib/local-stack";
import { type E2EStack, startE2EStack, waitUntil } from "../support/e2e-stack";
import { compiledCli } from "../support/provided";

let stack: E2EStack;
let configHome: string;
/**
 * `flightdeck` from source (runner/cli.ts), compiled once for the whole run (stack-artifacts.ts):
 * the tests run it dozens of times, and each start under tsx costs a second of CPU compiling and
 * loading it again (the package's bin runs the tsc-built dist/, user-project.test.ts's part).
 */
const cliEntry = compiledCli();
beforeAll(async () => {
  stack = await startE2EStack();
  configHome = path.join(stack.dir, "config");
});
afterAll(async () => {
  await stack?.teardown();
});

type Result = { code: number | null; stdout: string; stderr: string };

function start(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const { FLIGHTDECK_URL: _url, FLIGHTDECK_TOKEN: _token, ...inherited } = process.env;
  return spawn(process.execPath, [cliEntry, ...args], {
    cwd: REPO_ROOT,
    env: { ...inherited, XDG_CONFIG_HOME: configHome, NO_COLOR: "1", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
}

function finish(child: ChildProcess, input = ""): Promise<Result> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdin?.end(input);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const cli = (args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}) =>
  finish(start(args, opts.env), opts.input);

/** The error path's contract: a non-zero exit, and exactly one line on stderr that says `what`. */
function expectOneLineError(result: Result, what: RegExp, code?: number) {
  expect(result.code, result.stderr).not.toBe(0);
  if (code !== undefined) expect(result.code).toBe(code);
  const lines = result.stderr.trimEnd().split("\n");
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^flightdeck: /);
  expect(lines[0]).toMatch(what);
}

const api = () => stack.controlPlane.client;
const getRun = async (id: string) => (await api().request("GET", `/api/runs/${id}`, RunReplySchema)).run;

describe("flightdeck login", () => {
  it("refuses a wrong token with one line and saves nothing", async () => {
    const result = await cli(["login", stack.controlPlane.url], { input: "fd_admin_not-the-token\n" });
    expectOneLineError(result, /refused the token/);
    expect(existsSync(path.join(configHome, "flightdeck/credentials.json"))).toBe(false);
  });

  it("checks the token and keeps it in the config dir, readable by the user only", async () => {
    const result = await cli(["login", `${stack.controlPlane.url}/`], { input: `${stack.adminToken}\n` });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Logged in to http:\/\/127\.0\.0\.1:\d+ \(Flightdeck \d+\.\d+\.\d+\)/);
    const file = path.join(configHome, "flightdeck/credentials.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({
      url: stack.controlPlane.url,
      token: stack.adminToken,
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
    const config = path.join(stack.dir, "greet.yaml");
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
    const config = path.join(stack.dir, "broken.yaml");
    writeFileSync(config, "ops:\n  hello: [unclosed\n");
    expectOneLineError(await cli(["job", "launch", "demo/greet", "--config", config]), /broken\.yaml.*line/, 2);
    expect((await api().request("GET", "/api/runs?limit=500", RunListSchema)).runs).toHaveLength(before);
  });

  it("passes on the API's message when the run config does not fit the job", async () => {
    const config = path.join(stack.dir, "wrong.json");
    writeFileSync(config, JSON.stringify({ ops: { hello: { config: { name: 5 } } } }));
    expectOneLineError(await cli(["job", "launch", "demo/greet", "-c", config]), /ops\.hello\.config\.name/, 1);
  });
});

describe("flightdeck run logs --follow", () => {
  it("prints events as they arrive and exits when the run ends", async () => {
    // A nap far longer than the test: the run ends because it is terminated, however slow the machine.
    const config = path.join(stack.dir, "long-nap.yaml");
    writeFileSync(config, "ops:\n  nap:\n    config:\n      seconds: 3600\n");
    const launched = await cli(["job", "launch", "demo/sleepy", "--config", config, "--json"]);
    const { run } = RunReplySchema.parse(JSON.parse(launched.stdout));
    const shortId = run.id.replaceAll("-", "").slice(13, 19);
    const child = start(["run", "logs", shortId, "--follow"]);
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

    const terminated = await cli(["run", "terminate", shortId]);
    expect(terminated.code, terminated.stderr).toBe(0);
    const result = await done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/RUN_CANCELED/);
    expect(result.stdout.trimEnd().split("\n").at(-1)).toBe(`Run ${run.id} ended: CANCELED`);
  });
});

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
    const short = (id: string) => id.replaceAll("-", "").slice(13, 21);

    const prioritized = await cli(["run", "priority", short(second), "7"]);
    expect(prioritized.stdout).toMatch(/priority 7/);
    expect((await cli(["run", "next", short(third)])).code).toBe(0);

    const table = await cli(["queue"]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^Queue: paused/);
    const order = table.stdout
      .split("\n")
      .filter((l) => /^\d+\s/.test(l))
      .map((l) => l.split(/\s+/)[1]);
    expect(order).toEqual([short(third), short(second), short(first)]);
    expect(table.stdout).toMatch(/the queue is paused \(flightdeck queue resume\)/);

    const json = QueueReplySchema.parse(JSON.parse((await cli(["queue", "--json"])).stdout));
    expect(json.queued.map((r) => r.run_id)).toEqual([third, second, first]);

    expect((await cli(["queue", "resume"])).stdout).toMatch(/admitting/);
    await waitUntil(async () => (await getRun(third)).status !== "QUEUED", 60_000, "the queue to admit again");
    const terminated = await cli(["run", "terminate", ...ids.map(short)]);
    expect(terminated.code, terminated.stderr).toBe(0);
  });

  it("refuses to reorder a run that is not queued", async () => {
    const { runs } = await api().request("GET", "/api/runs?status=SUCCESS&limit=1", RunListSchema);
    const id = runs[0]?.id ?? "";
    expectOneLineError(await cli(["run", "priority", id, "3"]), /not QUEUED/, 1);
  });
});

describe("flightdeck schedule", () => {
  it("starts and stops a schedule", async () => {
    const started = await cli(["schedule", "start", "greet_weekdays"]);
    expect(started.stdout).toBe("The schedule demo/greet_weekdays is RUNNING.\n");
    const listed = ScheduleListSchema.parse(JSON.parse((await cli(["schedule", "list", "--json"])).stdout));
    expect(listed.schedules.find((s) => s.name === "greet_weekdays")?.status).toBe("RUNNING");
    const table = await cli(["schedule", "list"]);
    expect(table.stdout).toMatch(/demo\/greet_weekdays\s+greet\s+RUNNING\s+0 9 \* \* 1-5/);

    const stopped = await cli(["schedule", "stop", "greet_weekdays"]);
    expect(stopped.stdout).toBe("The schedule demo/greet_weekdays is STOPPED.\n");
    expectOneLineError(await cli(["schedule", "start", "no_such_schedule"]), /no_such_schedule/, 1);
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
    expect(row).toContain(`${newest.id.replaceAll("-", "").slice(13, 21)}  demo/greet`);
    expect(row).toContain(created);

    const shown = await cli(["run", "show", newest.id.replaceAll("-", "").slice(13, 18)]);
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

describe("flightdeck location", () => {
  it("lists code locations and reloads one", async () => {
    const locations = await cli(["location", "list"]);
    expect(locations.stdout).toMatch(/^demo\s+LOADED\s+5\s/m);
    expect((await cli(["location", "reload", "demo"])).stdout).toBe("demo: LOADED, 5 jobs\n");
  });
});

describe("flightdeck sensor", () => {
  it("lists sensors, and reads, sets and resets a sensor's cursor", async () => {
    expect((await cli(["sensor", "list"])).stdout).toMatch(/demo\/new_files\s+greet\s+(RUNNING|STOPPED)\s+30s/);
    const cursor = await cli(["sensor", "cursor", "new_files", "--json"]);
    expect(JSON.parse(cursor.stdout)).toMatchObject({ location: "demo", sensor: "new_files" });
    const setCursor = await cli(["sensor", "cursor", "new_files", "--set", "file-41"]);
    expect(setCursor.stdout, setCursor.stderr).toBe("The cursor of demo/new_files is now file-41.\n");
    expect((await cli(["sensor", "cursor", "new_files"])).stdout).toBe("file-41\n");
    expect((await cli(["sensor", "cursor", "new_files", "--reset"])).stdout).toBe(
      "The cursor of demo/new_files is reset.\n",
    );
    expect((await cli(["sensor", "cursor", "new_files"])).stdout).toBe("(no cursor)\n");
    expectOneLineError(await cli(["sensor", "cursor", "new_files", "--set", "a", "--reset"]), /not both/, 2);
  });
});

describe("flightdeck schedule and sensor preview", () => {
  it("evaluates a schedule's next tick and a sensor through the real code location, launching nothing", async () => {
    // The demo's weekday schedule evaluated for its next tick: one greet run, launched by no one.
    const preview = await cli(["schedule", "preview", "greet_weekdays", "--json"]);
    expect(preview.code, preview.stderr).toBe(0);
    expect(JSON.parse(preview.stdout)).toMatchObject({
      location: "demo",
      error: null,
      run_requests: [{ job: "greet", run_config: { ops: { hello: { config: { name: "team" } } } } }],
    });
    const sensorPreview = await cli(["sensor", "preview", "new_files", "--cursor", "c-1"]);
    expect(sensorPreview.stdout, sensorPreview.stderr).toMatch(/Cursor unchanged: c-1/);
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
    const doc: unknown = await (await fetch(`${stack.controlPlane.url}/api/openapi.json`)).json();
    // Both fetched before the validator's seconds of CPU: a kept-alive connection left idle that
    // long may be closed by the server just as the next request reuses it.
    const page = await fetch(`${stack.controlPlane.url}/api/docs`);
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
