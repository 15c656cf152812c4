/** `npm run deploy`'s decisions, fed what wrangler 4.86 prints (recorded in wrangler-outputs/). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  decideAdminToken,
  decideBucket,
  decideDatabase,
  deployedUrl,
  needsRedeploy,
  readDeployTargets,
  withDatabaseId,
} from "./deploy-plan";

const recorded = (name: string) => readFileSync(join(import.meta.dirname, "wrangler-outputs", name), "utf8");
const WRANGLER_TOML = readFileSync(join(import.meta.dirname, "..", "..", "wrangler.toml"), "utf8");

describe("readDeployTargets", () => {
  it("reads the Worker, database and bucket names of the repository's wrangler.toml", () => {
    expect(readDeployTargets(WRANGLER_TOML)).toEqual({
      worker: "flightdeck",
      database: "flightdeck",
      bucket: "flightdeck-compute-logs",
    });
  });
});

describe("withDatabaseId", () => {
  it("puts the real id on the named database and changes nothing else", () => {
    const out = withDatabaseId(WRANGLER_TOML, "flightdeck", "7d2c9a40-1e3b-4c8f-b6a5-9f0e12d34c56");
    expect(out).toContain('database_id = "7d2c9a40-1e3b-4c8f-b6a5-9f0e12d34c56"');
    expect(out.split("\n").filter((line) => !line.startsWith("database_id"))).toEqual(
      WRANGLER_TOML.split("\n").filter((line) => !line.startsWith("database_id")),
    );
  });

  it("adds the id when the table has none", () => {
    const toml = '[[d1_databases]]\nbinding = "DB"\ndatabase_name = "fd"\n';
    expect(withDatabaseId(toml, "fd", "abc")).toBe(
      '[[d1_databases]]\ndatabase_id = "abc"\nbinding = "DB"\ndatabase_name = "fd"\n',
    );
  });

  it("refuses a database the file does not declare", () => {
    expect(() => withDatabaseId(WRANGLER_TOML, "other", "abc")).toThrow(/no D1 database named other/);
  });
});

describe("decideDatabase", () => {
  it("uses the database of that name", () => {
    expect(decideDatabase(recorded("d1-list.json"), "flightdeck")).toEqual({
      action: "use",
      value: "7d2c9a40-1e3b-4c8f-b6a5-9f0e12d34c56",
    });
  });

  it("creates it when the account has none of that name", () => {
    expect(decideDatabase(recorded("d1-list.json"), "flightdeck-staging")).toEqual({ action: "create" });
    expect(decideDatabase("[]", "flightdeck")).toEqual({ action: "create" });
  });
});

describe("decideBucket", () => {
  it("uses the bucket of that name, and creates one that is missing", () => {
    const list = recorded("r2-bucket-list.txt");
    expect(decideBucket(list, "flightdeck-compute-logs")).toEqual({ action: "use", value: "flightdeck-compute-logs" });
    expect(decideBucket(list, "flightdeck-compute")).toEqual({ action: "create" });
    expect(decideBucket("Listing buckets...\n", "flightdeck-compute-logs")).toEqual({ action: "create" });
  });
});

describe("decideAdminToken", () => {
  it("keeps the token a deployed Worker has", () => {
    expect(decideAdminToken({ ok: true, output: recorded("secret-list.json") }, "flightdeck")).toBe("keep");
  });

  it("sets one when the Worker has none, or does not exist yet", () => {
    expect(decideAdminToken({ ok: true, output: "[]" }, "flightdeck")).toBe("set");
    expect(decideAdminToken({ ok: false, output: recorded("secret-list-no-worker.txt") }, "flightdeck")).toBe("set");
  });

  it("stops on any other failure rather than overwrite a token it could not read", () => {
    expect(() =>
      decideAdminToken({ ok: false, output: "✘ [ERROR] Authentication error [code: 10000]" }, "flightdeck"),
    ).toThrow(/Authentication error/);
  });
});

describe("deployedUrl and needsRedeploy", () => {
  it("reads the workers.dev URL wrangler deploy printed", () => {
    expect(deployedUrl(recorded("deploy.txt"))).toBe("https://flightdeck.ada.workers.dev");
    expect(deployedUrl("Uploaded flightdeck (1 sec)\nNo deploy targets for flightdeck")).toBeNull();
  });

  it("deploys again only when the Worker's URL is not the PUBLIC_URL it was deployed with", () => {
    expect(needsRedeploy(null, "https://flightdeck.ada.workers.dev")).toBe(true);
    expect(needsRedeploy("https://flightdeck.ada.workers.dev", "https://flightdeck.ada.workers.dev")).toBe(false);
    expect(needsRedeploy("https://old.ada.workers.dev", "https://flightdeck.ada.workers.dev")).toBe(true);
    expect(needsRedeploy(null, null)).toBe(false);
  });
});
