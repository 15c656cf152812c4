#!/usr/bin/env node
// The `flightdeck` command of the installed package: the CLI, built to JavaScript in dist/
// (`npm run build`, run before `npm pack`). In this repository, scripts run runner/cli.ts from source.
await import("../dist/runner/cli.js");
