/**
 * The decisions of `npm run deploy` (scripts/deploy.ts), pure: each reads what one wrangler command
 * printed and says what to do next, so every branch is tested with recorded outputs and the script
 * only runs commands. Resources are found by name, never by an id someone pasted: the D1 database
 * and R2 bucket of wrangler.toml are created when missing and used when present, the admin token
 * is set only when the Worker has none, and PUBLIC_URL is the URL the Worker was deployed at.
 */

export type DeployTargets = { worker: string; database: string; bucket: string };

function tomlString(block: string, key: string): string | undefined {
  return block.match(new RegExp(`^\\s*${key}\\s*=\\s*"([^"]*)"`, "m"))?.[1];
}

/** A TOML file's tables in order, the top level first with header "" (no header line). */
function tomlTables(toml: string): { header: string; lines: string[] }[] {
  const tables = [{ header: "", lines: [] as string[] }];
  for (const line of toml.split("\n")) {
    const header = line.match(/^\s*(\[\[?[^\]]+\]\]?)\s*(#.*)?$/)?.[1];
    if (header) tables.push({ header, lines: [] });
    else tables[tables.length - 1]?.lines.push(line);
  }
  return tables;
}

/** The Worker's name, its D1 database and its R2 bucket, as wrangler.toml names them. */
export function readDeployTargets(toml: string): DeployTargets {
  const tables = tomlTables(toml);
  const find = (header: string, key: string) => {
    for (const table of tables) {
      const value = table.header === header ? tomlString(table.lines.join("\n"), key) : undefined;
      if (value) return value;
    }
    throw new Error(`wrangler.toml has no ${key} in ${header || "its top level"}`);
  };
  return {
    worker: find("", "name"),
    database: find("[[d1_databases]]", "database_name"),
    bucket: find("[[r2_buckets]]", "bucket_name"),
  };
}

/** wrangler.toml with the real id of the D1 database named `database` (what `npm run deploy` deploys with). */
export function withDatabaseId(toml: string, database: string, id: string): string {
  let replaced = false;
  const lines = tomlTables(toml).flatMap(({ header, lines }) => {
    const isIt = header === "[[d1_databases]]" && tomlString(lines.join("\n"), "database_name") === database;
    if (isIt) {
      replaced = true;
      const at = lines.findIndex((line) => /^\s*database_id\s*=/.test(line));
      if (at >= 0) lines[at] = `database_id = "${id}"`;
      else lines.unshift(`database_id = "${id}"`);
    }
    return header ? [header, ...lines] : lines;
  });
  if (!replaced) throw new Error(`wrangler.toml declares no D1 database named ${database}`);
  return lines.join("\n");
}

export type Decision<T> = { action: "use"; value: T } | { action: "create" };

/** From `wrangler d1 list --json`: the database's id, or create it. */
export function decideDatabase(d1ListJson: string, name: string): Decision<string> {
  const list = JSON.parse(d1ListJson) as { name?: string; uuid?: string }[];
  if (!Array.isArray(list)) throw new Error(`wrangler d1 list --json printed no list: ${d1ListJson.slice(0, 200)}`);
  const found = list.find((db) => db.name === name);
  return found?.uuid ? { action: "use", value: found.uuid } : { action: "create" };
}

/** From `wrangler r2 bucket list` (labelled text: `name: <bucket>` per bucket): use it, or create it. */
export function decideBucket(r2ListText: string, name: string): Decision<string> {
  const names = [...r2ListText.matchAll(/^\s*name:\s*(\S+)\s*$/gm)].map((m) => m[1]);
  return names.includes(name) ? { action: "use", value: name } : { action: "create" };
}

/**
 * From `wrangler secret list --format json`: whether the admin token must be set. A Worker that
 * does not exist yet has no secrets; any other failure is not ours to guess about.
 */
export function decideAdminToken(secretList: { ok: boolean; output: string }, worker: string): "keep" | "set" {
  if (!secretList.ok) {
    if (secretList.output.includes(`Worker "${worker}" not found`)) return "set";
    throw new Error(`wrangler secret list failed:\n${secretList.output}`);
  }
  const json = secretList.output.slice(secretList.output.indexOf("["));
  const secrets = JSON.parse(json) as { name: string }[];
  return secrets.some((s) => s.name === "ADMIN_TOKEN") ? "keep" : "set";
}

/** The URL `wrangler deploy` printed for the Worker (its workers.dev route, or the first https one). */
export function deployedUrl(deployOutput: string): string | null {
  const urls = [...deployOutput.matchAll(/^\s*(https:\/\/\S+?)\/?\s*$/gm)].map((m) => m[1] ?? "");
  return urls.find((url) => url.endsWith(".workers.dev")) ?? urls[0] ?? null;
}

/**
 * PUBLIC_URL is where run workers post events; the daemon knows no other. A first deploy learns
 * the URL only from its own output, so it deploys once more with it; later deploys pass the URL
 * remembered from the last one, and redeploy only if the Worker moved.
 */
export function needsRedeploy(passedPublicUrl: string | null, url: string | null): boolean {
  return url !== null && url !== passedPublicUrl;
}
