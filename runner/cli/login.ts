/**
 * `flightdeck login <url>` and `flightdeck logout`: like `gh auth login`, the token — an API token
 * of any role, or the instance's admin token — is asked for
 * (hidden on a terminal, one line from stdin otherwise, or FLIGHTDECK_TOKEN), checked against the
 * control plane before anything is saved, and kept in the user's config dir (credentials.ts).
 */
import { HealthSchema, RunListSchema } from "../../protocol";
import { ApiClient } from "./api-client";
import type { Noun, Verb } from "./command";
import { normalizeUrl, removeCredentials, saveCredentials } from "./credentials";
import { ApiError, CliError, UsageError } from "./errors";

/** Reads a line without echoing it; Ctrl-C aborts. */
function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding("utf8");
  return new Promise((resolve, reject) => {
    let typed = "";
    const done = (error?: Error) => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write("\n");
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") return done();
        if (ch === "\u0003") return done(new CliError("Login canceled.", 130));
        if (ch === "\u007f" || ch === "\b") typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    stdin.on("data", onData);
  });
}

async function readStdinLine(): Promise<string> {
  let text = "";
  for await (const chunk of process.stdin) text += String(chunk);
  return text.split(/\r?\n/)[0] ?? "";
}

async function askToken(): Promise<string> {
  if (process.env.FLIGHTDECK_TOKEN) return process.env.FLIGHTDECK_TOKEN;
  const token = (process.stdin.isTTY ? await promptHidden("API token: ") : await readStdinLine()).trim();
  if (!token)
    throw new UsageError(
      "No token given: paste an API token (from the dashboard's API tokens page or `flightdeck token create`), or the instance's admin token.",
    );
  return token;
}

const login: Verb = {
  name: "login",
  usage: "<url>",
  summary: "Log in to a control plane: asks for its token, checks it, and saves both (mode 0600)",
  details: `The token is read hidden from the terminal, or as one line from stdin (echo "$TOKEN" | flightdeck login <url>),
or from FLIGHTDECK_TOKEN. It is saved in $XDG_CONFIG_HOME/flightdeck/credentials.json (~/.config/flightdeck/).
FLIGHTDECK_URL and FLIGHTDECK_TOKEN, when set, override the saved ones for every command.`,
  args: { min: 1, max: 1 },
  async run({ args, out }) {
    const raw = args[0] ?? "";
    if (!/^https?:\/\/[^/]/.test(raw))
      throw new UsageError(
        `"${raw}" is not a URL: give the control plane's address, such as https://flightdeck.example.workers.dev.`,
      );
    const url = normalizeUrl(raw);
    const token = await askToken();
    const client = new ApiClient({ url, token });
    const health = await client.request("GET", "/api/health", HealthSchema);
    try {
      await client.request("GET", "/api/runs", RunListSchema, { query: { limit: 1 } });
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
        throw new CliError(`The control plane at ${url} refused the token: ${err.message} Nothing was saved.`);
      }
      throw err;
    }
    const file = saveCredentials({ url, token });
    out.line(`Logged in to ${url} (Flightdeck ${health.version}); the token is saved in ${file}.`);
    return 0;
  },
};

const logout: Verb = {
  name: "logout",
  usage: "",
  summary: "Forget the saved control plane URL and token",
  args: { min: 0, max: 0 },
  async run({ out }) {
    out.line(removeCredentials() ? "Logged out; the saved token is deleted." : "Not logged in; nothing to delete.");
    return 0;
  },
};

/** `login` and `logout` are verbs without a noun: `flightdeck login <url>`. */
export const loginNoun: Noun = { name: "login", summary: login.summary, verbs: [login], defaultVerb: "login" };
export const logoutNoun: Noun = { name: "logout", summary: logout.summary, verbs: [logout], defaultVerb: "logout" };
