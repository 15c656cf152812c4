/**
 * The code location server: Dagster's code server (`dagster code-server start`) plus its
 * DefaultRunLauncher. Bundles the user's module, serves its definitions, launches one run worker
 * process per run and delivers the events run workers left in their spools.
 *
 * On SIGINT/SIGTERM it stops listening and terminates its running run workers (SIGTERM, then
 * SIGKILL after the grace period) before exiting: their runs end RUN_CANCELED and the control
 * plane learns it at once, instead of run monitoring finding orphans that nobody can terminate.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { DefinitionsSchema } from "../protocol";
import { authenticate, ReplayGuard } from "./server/auth";
import { bundleLocation } from "./server/bundle";
import { type EvaluateFn, evaluateByPath } from "./server/evaluation-route";
import { HttpError, headerReader, readBody, sendError, sendJson } from "./server/http-util";
import { handleRoute, type LoadedLocation, type RouteContext } from "./server/routes";
import { RunWorkerProcesses } from "./server/run-worker-processes";
import { SpoolSweeper } from "./server/spool-sweeper";
import type { PoolSizeSettings } from "./server/standby-pool-size";

export const SECRET_ENV = "FLIGHTDECK_WEBHOOK_SECRET";

export interface ServeOptions {
  readonly file: string;
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly secret: string;
  readonly terminateGraceMs: number;
  /** The standby pool's floor, ceiling and window (server/standby-pool-size.ts). */
  readonly standby: PoolSizeSettings;
}

export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  // Stacks from the user's module point at their TypeScript, through the bundle's inline source map.
  process.setSourceMapsEnabled(true);
  const bundle = await bundleLocation(options.file, options.dataDir);
  const location: LoadedLocation = bundle.ok ? await loadDefinitions(bundle.path) : { ok: false, error: bundle.error };
  const evaluator = bundle.ok && location.ok ? await loadEvaluator(bundle.path) : null;
  if (!location.ok) console.error(`flightdeck: ${options.file} failed to load:\n${location.error}`);

  let sweeper: SpoolSweeper | null = null;
  const launcher = bundle.ok
    ? new RunWorkerProcesses({
        dataDir: options.dataDir,
        bundlePath: bundle.path,
        terminateGraceMs: options.terminateGraceMs,
        withheldEnv: [SECRET_ENV],
        standby: options.standby,
        onExit: (dir, exit) => sweeper?.sweep(dir, exit),
      })
    : null;
  sweeper = new SpoolSweeper({ dataDir: options.dataDir, isRunning: (dir) => launcher?.isRunning(dir) ?? false });
  const context: RouteContext = { location, launcher };
  const guard = new ReplayGuard();

  const server = createServer((req, res) => {
    void (async () => {
      try {
        const body = await readBody(req);
        const target = { method: req.method ?? "GET", path: req.url ?? "/", body };
        const auth = await authenticate(
          options.secret,
          headerReader(req),
          target,
          guard,
          Math.floor(Date.now() / 1000),
        );
        if (!auth.ok) throw new HttpError(401, "unauthorized", auth.message);
        const evaluation =
          req.method === "POST" ? await evaluateByPath(location, evaluator, req.url ?? "/", body) : null;
        const reply = evaluation ?? handleRoute(context, req.method ?? "GET", req.url ?? "/", body);
        sendJson(res, reply.status, reply.body);
      } catch (error) {
        if (error instanceof HttpError) return sendError(res, error);
        console.error(`flightdeck: ${req.method} ${req.url} failed:`, error);
        sendError(res, new HttpError(500, "internal_error", "the code location server failed; see its log"));
      }
    })();
  });
  await listen(server, options.host, options.port);
  sweeper.start();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await launcher?.shutdown();
      await sweeper?.stop();
    },
  };
}

/** The bundle's definitions (the agent sends them to the control plane the same way this server serves them). */
export async function loadDefinitions(bundlePath: string): Promise<LoadedLocation> {
  try {
    const module = (await import(`${pathToFileURL(bundlePath).href}?t=${Date.now()}`)) as { definitions?: unknown };
    if (typeof module.definitions !== "function") throw new Error(`${bundlePath} is not a Flightdeck bundle`);
    const definitions = DefinitionsSchema.parse(await module.definitions());
    return { ok: true, definitions };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}

/** The bundle's `evaluate` export: schedules' and sensors' functions (evaluation-route.ts), for this server and an agent. */
export async function loadEvaluator(bundlePath: string): Promise<EvaluateFn | null> {
  const module = (await import(pathToFileURL(bundlePath).href)) as { evaluate?: unknown };
  return typeof module.evaluate === "function" ? (module.evaluate as EvaluateFn) : null;
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}
