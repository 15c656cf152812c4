// Runs before `npm start` and `npm test`: on a fresh clone (or after package-lock.json changed)
// it installs the pinned dependencies, so both commands work with nothing installed by hand. Then
// it mends wrangler dev's request forwarding (patch-wrangler-proxy.mjs), which npm ci undoes.
// Plain JavaScript with no imports outside Node: it must run before node_modules exists.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { patchWranglerProxy } from "./patch-wrangler-proxy.mjs";

const root = path.resolve(import.meta.dirname, "..");
const marker = path.join(root, "node_modules/.package-lock.json");
const lock = path.join(root, "package-lock.json");

// npm writes the lock a few ms before its own copy in node_modules; a second of slack absorbs that.
const stale = !existsSync(marker) || statSync(marker).mtimeMs + 1000 < statSync(lock).mtimeMs;
if (stale) {
  console.log("flightdeck: installing dependencies (npm ci)…");
  const result = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const patched = patchWranglerProxy(root);
if (patched === "unrecognized") {
  console.warn(
    "flightdeck: wrangler's ProxyWorker is not the one scripts/patch-wrangler-proxy.mjs knows; left as it is",
  );
}
