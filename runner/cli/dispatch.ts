/**
 * `flightdeck <noun> <verb> ...`: the client half of the `flightdeck` command, which speaks the
 * control plane's API (Dagster's `dagster job|run|schedule|sensor ...`). Finds the verb, parses
 * its flags with node:util parseArgs, runs it, and turns a failure into one line on stderr and a
 * non-zero exit code.
 */
import { parseArgs } from "node:util";
import { ApiClient } from "./api-client";
import type { Noun, Verb } from "./command";
import { loadCredentials } from "./credentials";
import { CliError, UsageError } from "./errors";
import { instanceNoun } from "./instance";
import { jobNoun } from "./job";
import { locationNoun } from "./location";
import { loginNoun, logoutNoun } from "./login";
import { terminalOutput } from "./output";
import { queueNoun } from "./queue";
import { runNoun } from "./run";
import { scheduleNoun } from "./schedule";
import { sensorNoun } from "./sensor";
import { tokenNoun } from "./token";

export const NOUNS: readonly Noun[] = [
  loginNoun,
  logoutNoun,
  jobNoun,
  runNoun,
  queueNoun,
  scheduleNoun,
  sensorNoun,
  locationNoun,
  instanceNoun,
  tokenNoun,
];

export function isClientCommand(word: string | undefined): boolean {
  return NOUNS.some((n) => n.name === word);
}

/** The client commands, for the top-level `flightdeck --help`. */
export const CLIENT_USAGE = `Commands that speak to a control plane (each takes --help and --json):
${NOUNS.map((n) => `  flightdeck ${n.name.padEnd(9)} ${n.summary}`).join("\n")}`;

function verbUsage(noun: Noun, verb: Verb): string {
  const words = noun.defaultVerb === verb.name && noun.verbs.length === 1 ? noun.name : `${noun.name} ${verb.name}`;
  return `flightdeck ${words}${verb.usage ? ` ${verb.usage}` : ""}`;
}

function nounHelp(noun: Noun): string {
  const lines = noun.verbs.map((v) => `  ${verbUsage(noun, v)}\n      ${v.summary}`);
  return `Usage:\n${lines.join("\n")}\n\nEach verb takes --help; those that print take --json.`;
}

function verbHelp(noun: Noun, verb: Verb): string {
  return [`Usage: ${verbUsage(noun, verb)}`, "", verb.summary, ...(verb.details ? ["", verb.details] : [])].join("\n");
}

function pickVerb(noun: Noun, rest: readonly string[]): { verb: Verb; argv: readonly string[] } | null {
  const named = noun.verbs.find((v) => v.name === rest[0]);
  if (named) return { verb: named, argv: rest.slice(1) };
  const fallback = noun.verbs.find((v) => v.name === noun.defaultVerb);
  return fallback ? { verb: fallback, argv: rest } : null;
}

function firstSentence(message: string): string {
  return message.split(/\.\s/)[0]?.replace(/\.$/, "") ?? message;
}

async function runVerb(noun: Noun, verb: Verb, argv: readonly string[]): Promise<number> {
  const out = terminalOutput();
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...verb.flags, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new UsageError(
      `${firstSentence(err instanceof Error ? err.message : String(err))}; see \`flightdeck ${noun.name} ${verb.name} --help\``,
    );
  }
  if (parsed.values.help) {
    out.line(verbHelp(noun, verb));
    return 0;
  }
  const args = parsed.positionals;
  if (args.length < verb.args.min || args.length > verb.args.max) {
    const what = args.length < verb.args.min ? "missing arguments" : `unexpected argument "${args[verb.args.max]}"`;
    throw new UsageError(`${what}; usage: ${verbUsage(noun, verb)}`);
  }
  let client: ApiClient | undefined;
  const code = await verb.run({
    flags: parsed.values,
    args,
    json: parsed.values.json === true,
    out,
    client: () => {
      client ??= new ApiClient(loadCredentials());
      return client;
    },
  });
  return code ?? 0;
}

/** Runs `flightdeck <noun> ...` and returns the exit code; every expected failure is one line on stderr. */
export async function runClientCommand(argv: readonly string[]): Promise<number> {
  const noun = NOUNS.find((n) => n.name === argv[0]);
  if (!noun) throw new Error(`not a client command: ${argv[0]}`);
  const rest = argv.slice(1);
  try {
    const [only] = noun.verbs;
    if ((rest[0] === "--help" || rest[0] === "-h") && only) {
      terminalOutput().line(noun.verbs.length === 1 ? verbHelp(noun, only) : nounHelp(noun));
      return 0;
    }
    const picked = pickVerb(noun, rest);
    if (!picked) {
      if (rest.length === 0) {
        terminalOutput().line(nounHelp(noun));
        return 2;
      }
      throw new UsageError(`unknown command "${noun.name} ${rest[0]}"; see \`flightdeck ${noun.name} --help\``);
    }
    return await runVerb(noun, picked.verb, picked.argv);
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    process.stderr.write(`flightdeck: ${err.message.replace(/\s*\n\s*/g, " ")}\n`);
    return err.exitCode;
  }
}
