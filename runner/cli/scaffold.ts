/**
 * The files of a new code location project (`flightdeck new <dir>`), in the spirit of Dagster's
 * `dagster project scaffold`: a package.json that depends on this runner, a tsconfig that types
 * the location the way the code location server bundles it, one example job, a README of three
 * lines. Pure: the command writes what this returns.
 */

export type ScaffoldVersions = {
  /** The runner that scaffolds the project, so the project runs what it was written against. */
  runner: string;
  /** The runner's own zod, so npm installs one copy and `config` schemas are the SDK's kind. */
  zod: string;
};

/** What the runner's .d.ts files are checked with (the repository's own TypeScript and Node types). */
export const TYPESCRIPT_VERSION = "5.9.3";
export const TYPES_NODE_VERSION = "20.19.43";

/** An npm package name from a folder name: lowercase, and only the characters npm allows. */
export function packageNameFor(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[._-]+|[-]+$/g, "");
  return name || "code-location";
}

const LOCATION = `/**
 * A Flightdeck code location: the jobs this project serves. \`flightdeck serve location.ts\` loads
 * it; the control plane then lists the job and launches its runs here.
 */
import { defineCodeLocation, defineJob, defineOp, In } from "@flightdeck/runner";
import { z } from "zod";

const greeting = defineOp({
  name: "greeting",
  description: "Makes a greeting for the configured name.",
  config: z.object({ name: z.string().default("world") }), // ctx.config is typed from this
  run: (ctx) => {
    ctx.log.info(\`greeting \${ctx.config.name}\`);
    return \`Hello, \${ctx.config.name}!\`;
  },
});

const shout = defineOp({
  name: "shout",
  ins: { text: In<string>() },
  run: (ctx, { text }) => {
    const loud = text.toUpperCase();
    ctx.log.info(loud);
    return loud;
  },
});

const hello = defineJob({
  name: "hello",
  description: "Greets someone, loudly. Launch it with run config ops.greeting.config.name to pick who.",
  graph: () => {
    shout({ text: greeting() });
  },
});

export default defineCodeLocation({ jobs: [hello] });
`;

export function scaffoldFiles(folder: string, versions: ScaffoldVersions): Record<string, string> {
  const name = packageNameFor(folder);
  const packageJson = {
    name,
    version: "0.1.0",
    private: true,
    type: "module",
    scripts: { serve: "flightdeck serve location.ts", typecheck: "tsc --noEmit" },
    dependencies: { "@flightdeck/runner": `^${versions.runner}`, zod: versions.zod },
    devDependencies: { "@types/node": TYPES_NODE_VERSION, typescript: TYPESCRIPT_VERSION },
  };
  // The server bundles the location with esbuild, so "Bundler" resolution is exactly how it loads.
  const tsconfig = {
    compilerOptions: {
      target: "ES2022",
      module: "ESNext",
      moduleResolution: "Bundler",
      lib: ["ES2023"],
      types: ["node"],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      verbatimModuleSyntax: true,
    },
    include: ["**/*.ts"],
    exclude: ["node_modules", ".flightdeck"],
  };
  return {
    "package.json": `${JSON.stringify(packageJson, null, 2)}\n`,
    "tsconfig.json": `${JSON.stringify(tsconfig, null, 2)}\n`,
    "location.ts": LOCATION,
    "README.md": [
      `# ${name}`,
      "A Flightdeck code location: `location.ts` defines its jobs; `npm run typecheck` checks them.",
      "Serve it with `FLIGHTDECK_WEBHOOK_SECRET=whsec_... npm run serve -- --port 4001`, then register that URL and secret with your control plane.",
      "",
    ].join("\n"),
    ".gitignore": "node_modules/\n.flightdeck/\n",
  };
}
