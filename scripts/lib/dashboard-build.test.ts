import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildDashboard, moveChangedFiles } from "./dashboard-build";
import { REPO_ROOT } from "./local-stack";
import { runToCompletion } from "./processes";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "flightdeck-dashboard-build-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(root: string, files: Record<string, string>): Promise<void> {
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
}

/** What identifies a file's version on disk: a rename in gives a new inode. */
const identity = async (file: string) => {
  const s = await stat(file);
  return `${s.ino}:${s.mtimeMs}`;
};

describe("moveChangedFiles", () => {
  it("leaves files with the same bytes alone, replaces the changed, adds the new, removes the stale", async () => {
    const [fresh, dist] = [path.join(dir, "fresh"), path.join(dir, "dist")];
    await write(dist, { "index.html": "old page", "assets/a.js": "a", "assets/gone.js": "gone", _headers: "h" });
    await write(fresh, { "index.html": "new page", "assets/a.js": "a", "assets/b.js": "b", _headers: "h" });
    const before = {
      a: await identity(path.join(dist, "assets/a.js")),
      h: await identity(path.join(dist, "_headers")),
    };

    const result = await moveChangedFiles(fresh, dist);

    // The page comes after the chunk it may name, so it never points at a file not there yet.
    expect(result).toEqual({ changed: ["assets/b.js", "index.html"], removed: ["assets/gone.js"] });
    expect(await identity(path.join(dist, "assets/a.js"))).toBe(before.a);
    expect(await identity(path.join(dist, "_headers"))).toBe(before.h);
    expect(await readFile(path.join(dist, "index.html"), "utf8")).toBe("new page");
    expect(await readFile(path.join(dist, "assets/b.js"), "utf8")).toBe("b");
    await expect(stat(path.join(dist, "assets/gone.js"))).rejects.toThrow(/ENOENT/);
  });

  it("fills a dist that does not exist yet", async () => {
    const [fresh, dist] = [path.join(dir, "fresh"), path.join(dir, "dist")];
    await write(fresh, { "index.html": "page", "assets/a.js": "a" });
    expect(await moveChangedFiles(fresh, dist)).toEqual({ changed: ["assets/a.js", "index.html"], removed: [] });
    expect(await readFile(path.join(dist, "assets/a.js"), "utf8")).toBe("a");
  });
});

describe("buildDashboard", () => {
  it("builds the real dashboard reproducibly: a second build of the same sources changes no file", async () => {
    const dist = path.join(dir, "dist");
    const first = await buildDashboard(dist);
    expect(first.changed).toContain("index.html");
    expect(first.changed.some((file) => file.startsWith("assets/") && file.endsWith(".js"))).toBe(true);
    const page = await identity(path.join(dist, "index.html"));

    expect(await buildDashboard(dist)).toEqual({ changed: [], removed: [] });
    expect(await identity(path.join(dist, "index.html"))).toBe(page);
  }, 120_000);

  it("builds the production bundle even where NODE_ENV says test, as under Vitest", async () => {
    expect(process.env.NODE_ENV).toBe("test");
    const [ours, production] = [path.join(dir, "ours"), path.join(dir, "production")];
    await buildDashboard(ours);
    const vite = path.join(REPO_ROOT, "node_modules/.bin/vite");
    await runToCompletion(vite, ["build", "ui", "--outDir", production, "--logLevel", "warn"], {
      cwd: REPO_ROOT,
      env: { NODE_ENV: "production" },
    });
    expect(await moveChangedFiles(production, ours)).toEqual({ changed: [], removed: [] });
  }, 120_000);
});
