/**
 * Builds the dashboard into ui/dist without disturbing a control plane that is serving it.
 *
 * `wrangler dev` watches its assets directory and reloads on any change in it. While it reloads,
 * asset requests answer 500 or wait, and one caught in the reload can go unanswered for good
 * (workers-sdk#3942): a browser then waits on a module of the app that never comes. Vite empties
 * its outDir and writes every file again, even when the output is byte for byte the same, so a
 * build in place made every local stack on this checkout reload, e.g. the one `npm start` already
 * runs, when `npm run deploy` or a second `npm start` built the dashboard.
 *
 * So vite builds into a directory of its own beside ui/dist, and only what differs moves into
 * ui/dist: each changed file whole, by rename; the entry page after the chunks it names; files no
 * longer built removed last. The build is reproducible (always the production bundle, see below),
 * so an unchanged dashboard touches nothing.
 */
import { mkdir, mkdtemp, readdir, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { REPO_ROOT } from "./local-stack";
import { runToCompletion } from "./processes";

const UI = path.join(REPO_ROOT, "ui");
export const DASHBOARD_DIST = path.join(UI, "dist");

/** The entry page names the hashed chunks, so it is replaced only once they are in place. */
const ENTRY_PAGE = "index.html";

export type DashboardBuild = { changed: string[]; removed: string[] };

export async function buildDashboard(dist = DASHBOARD_DIST): Promise<DashboardBuild> {
  // Beside ui/dist, on its filesystem, so a file moves into ui/dist by rename.
  const fresh = await mkdtemp(path.join(UI, ".build-"));
  try {
    const vite = path.join(REPO_ROOT, "node_modules/.bin/vite");
    // Vite makes a development bundle when NODE_ENV says development or test (as it does under
    // Vitest): the dashboard is always the production one, whoever builds it, byte for byte.
    await runToCompletion(vite, ["build", "ui", "--outDir", fresh, "--emptyOutDir", "--logLevel", "warn"], {
      cwd: REPO_ROOT,
      env: { NODE_ENV: "production" },
    });
    return await moveChangedFiles(fresh, dist);
  } finally {
    await rm(fresh, { recursive: true, force: true });
  }
}

/** Makes `dist` hold exactly the files of `fresh`, writing only those whose bytes differ. */
export async function moveChangedFiles(fresh: string, dist: string): Promise<DashboardBuild> {
  const built = await filesUnder(fresh);
  const existing = new Set(await filesUnder(dist).catch(() => []));
  const changed: string[] = [];
  for (const file of built) {
    if (existing.has(file) && (await sameBytes(path.join(fresh, file), path.join(dist, file)))) continue;
    changed.push(file);
  }
  changed.sort((a, b) => Number(a === ENTRY_PAGE) - Number(b === ENTRY_PAGE));
  for (const file of changed) {
    await mkdir(path.dirname(path.join(dist, file)), { recursive: true });
    await rename(path.join(fresh, file), path.join(dist, file));
  }
  const keep = new Set(built);
  const removed = [...existing].filter((file) => !keep.has(file));
  for (const file of removed) await rm(path.join(dist, file), { force: true });
  return { changed, removed };
}

/** Paths of the files under `dir`, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

async function sameBytes(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([readFile(a), readFile(b)]);
  return x.equals(y);
}
