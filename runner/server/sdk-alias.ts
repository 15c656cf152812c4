/**
 * An esbuild plugin for code location bundles: `import ... from "@flightdeck/runner"` in the
 * user's module resolves to the SDK of the runner that is bundling it, not to whatever copy the
 * module's folder would find. The bundle's own entry (bundle-entry.ts) reads the definitions
 * through that SDK, so both must be one copy — true even when `flightdeck` runs from another
 * install than the project's, and in this repository, where the runner runs from source.
 */
import type { Plugin } from "esbuild";
import { siblingModule } from "../sibling-module";

const SDK_ENTRY = siblingModule(import.meta.url, "../sdk/index");

export const sdkOfThisRunner: Plugin = {
  name: "flightdeck-sdk-of-this-runner",
  setup(build) {
    build.onResolve({ filter: /^@flightdeck\/runner$/ }, () => ({ path: SDK_ENTRY }));
  },
};
