import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { credentialsFile, loadCredentials, removeCredentials, saveCredentials } from "./credentials";

const dirs: string[] = [];
function tempEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const dir = mkdtempSync(path.join(os.tmpdir(), "flightdeck-cli-"));
  dirs.push(dir);
  return { XDG_CONFIG_HOME: dir, ...extra };
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("saved credentials", () => {
  it("live in $XDG_CONFIG_HOME/flightdeck, readable by the user only", () => {
    const env = tempEnv();
    const file = saveCredentials({ url: "https://fd.example", token: "t" }, env);
    expect(file).toBe(path.join(env.XDG_CONFIG_HOME ?? "", "flightdeck", "credentials.json"));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(loadCredentials(env)).toEqual({ url: "https://fd.example", token: "t" });
  });

  it("give way to FLIGHTDECK_URL and FLIGHTDECK_TOKEN", () => {
    const env = tempEnv();
    saveCredentials({ url: "https://fd.example", token: "saved" }, env);
    expect(loadCredentials({ ...env, FLIGHTDECK_TOKEN: "from-env", FLIGHTDECK_URL: "http://other/" })).toEqual({
      url: "http://other",
      token: "from-env",
    });
  });

  it("say how to log in when there are none, and logout deletes them", () => {
    const env = tempEnv();
    expect(() => loadCredentials(env)).toThrow(/flightdeck login <url>/);
    saveCredentials({ url: "https://fd.example", token: "t" }, env);
    expect(removeCredentials(env)).toBe(true);
    expect(() => statSync(credentialsFile(env))).toThrow();
    expect(removeCredentials(env)).toBe(false);
  });
});
