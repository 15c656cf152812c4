/**
 * A stand-in for a code location server, answering the control plane's outbound fetches to its
 * host inside workerd (where no real server can listen). It verifies every request the way the
 * real server must (signature over method, path and body, timestamp, replayed webhook-id) and answers like
 * one, so these tests hold the control plane's side of the contract in DESIGN.md §5.2.
 */
import { vi } from "vitest";
import type { Definitions, LaunchRequest } from "../../protocol";
import { generateSecret, LaunchRequestSchema, verifyWebhook } from "../../protocol";

export type Behaviour = "ok" | "network_error" | "hang" | { status: number; body: string; location?: string };

export const GREET_RUN_CONFIG_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["ops"],
  properties: {
    ops: {
      type: "object",
      additionalProperties: false,
      required: ["greet"],
      properties: {
        greet: {
          type: "object",
          additionalProperties: false,
          required: ["config"],
          properties: {
            config: {
              type: "object",
              additionalProperties: false,
              required: ["name"],
              properties: { name: { type: "string" }, times: { type: "integer", minimum: 1 } },
            },
          },
        },
      },
    },
  },
};

export const SAMPLE_DEFINITIONS: Definitions = {
  jobs: [
    {
      name: "greet",
      description: "Says hello.",
      tags: { team: "demo" },
      executor: "in_process",
      nodes: [
        {
          name: "greet",
          op: "greet",
          description: null,
          tags: {},
          inputs: [],
          outputs: [{ name: "result", description: null }],
          config_schema: { type: "object" },
        },
      ],
      run_config_schema: GREET_RUN_CONFIG_SCHEMA,
      default_run_config: null,
    },
    {
      name: "noop",
      description: null,
      tags: {},
      executor: "multiprocess",
      nodes: [],
      run_config_schema: { type: "object", additionalProperties: false, properties: {} },
      default_run_config: {},
    },
  ],
  schedules: [],
  sensors: [],
};

export class FakeCodeLocation {
  readonly secret = generateSecret();
  definitions: unknown = SAMPLE_DEFINITIONS;
  onDefinitions: Behaviour = "ok";
  onLaunch: Behaviour = "ok";
  onTerminate: Behaviour = "ok";
  /** Answers `POST /schedules/:name/evaluate` and `POST /sensors/:name/evaluate` (signed like the rest); none: 404. */
  onEvaluate: ((kind: "schedules" | "sensors", name: string, body: unknown) => Response) | null = null;
  readonly launches: LaunchRequest[] = [];
  readonly terminates: string[] = [];
  /** Requests whose signature did not verify, or whose webhook-id was a replay; must stay empty. */
  readonly rejected: string[] = [];
  readonly #seenIds = new Set<string>();

  constructor(readonly url: string) {}

  async handle(request: Request): Promise<Response> {
    const body = await request.text();
    const { pathname: path, search } = new URL(request.url);
    const verified = await verifyWebhook(this.secret, request.headers, {
      method: request.method,
      path: path + search,
      body,
    });
    if (!verified.ok || this.#seenIds.has(verified.id)) {
      this.rejected.push(`${request.method} ${path}: ${verified.ok ? "replayed webhook-id" : verified.reason}`);
      return new Response("bad signature", { status: 401 });
    }
    this.#seenIds.add(verified.id);
    if (request.method === "GET" && path === "/definitions") {
      return this.#answer(this.onDefinitions, request, () => Response.json(this.definitions));
    }
    if (request.method === "POST" && path === "/runs") {
      return this.#answer(this.onLaunch, request, () => {
        const launch = LaunchRequestSchema.parse(JSON.parse(body));
        this.launches.push(launch);
        return Response.json({ handle: `pid-${this.launches.length}` }, { status: 202 });
      });
    }
    const terminate = /^\/runs\/([^/]+)\/terminate$/.exec(path);
    if (request.method === "POST" && terminate?.[1]) {
      const runId = decodeURIComponent(terminate[1]);
      return this.#answer(this.onTerminate, request, () => {
        this.terminates.push(runId);
        return new Response(null, { status: 202 });
      });
    }
    const evaluate = /^\/(schedules|sensors)\/([^/]+)\/evaluate$/.exec(path);
    if (request.method === "POST" && evaluate?.[2] && this.onEvaluate) {
      const kind = evaluate[1] === "schedules" ? "schedules" : "sensors";
      return this.onEvaluate(kind, decodeURIComponent(evaluate[2]), JSON.parse(body));
    }
    return new Response("no such route", { status: 404 });
  }

  #answer(behaviour: Behaviour, request: Request, ok: () => Response): Promise<Response> {
    if (behaviour === "ok") return Promise.resolve(ok());
    if (behaviour === "network_error") return Promise.reject(new TypeError("Network connection lost."));
    if (behaviour === "hang") {
      return new Promise((_resolve, reject) => {
        request.signal.addEventListener("abort", () => reject(request.signal.reason));
      });
    }
    const headers = behaviour.location === undefined ? undefined : { location: behaviour.location };
    return Promise.resolve(new Response(behaviour.body || null, { status: behaviour.status, headers }));
  }
}

/** Routes outbound fetches to the fakes by origin; anything else goes to the real fetch. */
export function interceptCodeLocations(...fakes: FakeCodeLocation[]) {
  const realFetch = globalThis.fetch;
  const byOrigin = new Map(fakes.map((f) => [new URL(f.url).origin, f]));
  return vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
    const request = new Request(input, init);
    const fake = byOrigin.get(new URL(request.url).origin);
    return fake ? fake.handle(request) : realFetch(input, init);
  });
}
