#!/usr/bin/env node
// The `flightdeck` command: registers tsx so the CLI (TypeScript) runs without a build step.
import { register } from "tsx/esm/api";

register();
await import("../cli.ts");
