/**
 * Where `flightdeck login` keeps the control plane's URL and token: `credentials.json` in the
 * user's config dir (`$XDG_CONFIG_HOME/flightdeck`, else `~/.config/flightdeck`; `%APPDATA%` on
 * Windows), the file mode 0600 and the folder 0700, as `gh` and `gcloud` keep theirs, because
 * the token is the instance's admin token. `FLIGHTDECK_URL` and `FLIGHTDECK_TOKEN` override it
 * (for CI, where nobody logs in).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { CliError } from "./errors";

const CredentialsSchema = z.object({ url: z.string().url(), token: z.string().min(1) });
export type Credentials = z.infer<typeof CredentialsSchema>;

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.XDG_CONFIG_HOME) return path.join(env.XDG_CONFIG_HOME, "flightdeck");
  if (process.platform === "win32" && env.APPDATA) return path.join(env.APPDATA, "flightdeck");
  return path.join(os.homedir(), ".config", "flightdeck");
}

export function credentialsFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(configDir(env), "credentials.json");
}

/** The URL without a trailing slash, so paths join cleanly. */
export function normalizeUrl(url: string): string {
  return url.replace(/\/+$/, "");
}

export function saveCredentials(credentials: Credentials, env: NodeJS.ProcessEnv = process.env): string {
  const file = credentialsFile(env);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  // writeFileSync's mode applies only when it creates the file: an older file keeps its mode otherwise.
  chmodSync(file, 0o600);
  return file;
}

export function removeCredentials(env: NodeJS.ProcessEnv = process.env): boolean {
  const file = credentialsFile(env);
  if (!existsSync(file)) return false;
  rmSync(file);
  return true;
}

/** The credentials to use: the environment's, else the saved ones; a clear error when there are none. */
export function loadCredentials(env: NodeJS.ProcessEnv = process.env): Credentials {
  const file = credentialsFile(env);
  let saved: Partial<Credentials> = {};
  if (existsSync(file)) {
    const parsed = CredentialsSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
    if (!parsed.success) throw new CliError(`${file} is not valid; run \`flightdeck login <url>\` again.`);
    saved = parsed.data;
  }
  const url = env.FLIGHTDECK_URL || saved.url;
  const token = env.FLIGHTDECK_TOKEN || saved.token;
  if (!url || !token) {
    throw new CliError("Not logged in: run `flightdeck login <url>`, or set FLIGHTDECK_URL and FLIGHTDECK_TOKEN.");
  }
  return { url: normalizeUrl(url), token };
}
