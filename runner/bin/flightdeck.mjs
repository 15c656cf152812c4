#!/usr/bin/env node
// The `flightdeck` command of the installed package: the CLI, built to JavaScript in dist/
// (`npm run build`, run before `npm pack`). In this repository, scripts run runner/cli.ts from source.
const CLI = new URL("../dist/runner/cli.js", import.meta.url);
try {
  await import(CLI.href);
} catch (error) {
  // Only the CLI itself missing is explained here; anything else is the CLI's own error.
  if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes(CLI.pathname)) {
    console.error(
      "flightdeck: this copy of @flightdeck/runner is not built (no dist/). Run `npm run build` in its folder;" +
        " in the Flightdeck repository, `npm run build:runner`.",
    );
    process.exit(1);
  }
  throw error;
}
