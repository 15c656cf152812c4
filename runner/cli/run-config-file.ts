/**
 * Reads the run config of `flightdeck job launch --config <file>`: YAML (what Dagster users write
 * their run config in, `dagster job launch -c config.yaml`) or JSON (which YAML also reads, so one
 * parser takes both). The `yaml` package parses it: YAML 1.2, no dependencies, and errors that
 * name the line — the repository had no YAML parser before.
 */
import { readFileSync } from "node:fs";
import { parse, YAMLParseError } from "yaml";
import type { JsonObject } from "../../protocol";
import { JsonObjectSchema } from "../../protocol";
import { UsageError } from "./errors";

export function readRunConfigFile(file: string): JsonObject {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : "cannot be read";
    throw new UsageError(`The config file ${file} ${reason}.`);
  }
  return parseRunConfig(text, file);
}

export function parseRunConfig(text: string, file: string): JsonObject {
  let value: unknown;
  try {
    value = parse(text);
  } catch (err) {
    if (!(err instanceof YAMLParseError)) throw err;
    const where = err.linePos?.[0] ? ` at line ${err.linePos[0].line}, column ${err.linePos[0].col}` : "";
    const reason = err.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "") ?? err.message;
    throw new UsageError(`The config file ${file} is not valid YAML or JSON${where}: ${reason}`);
  }
  if (value === null || value === undefined) return {};
  const parsed = JsonObjectSchema.safeParse(value);
  if (!parsed.success) {
    throw new UsageError(
      `The config file ${file} must hold a mapping (such as \`ops: {...}\`), not ${describe(value)}.`,
    );
  }
  return parsed.data;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  return `a ${typeof value}`;
}
