/**
 * A code location server for benchmarks of the control plane's side: serves one no-op job's
 * definitions, records each launch request and when it arrived, answers 202, and runs nothing.
 * With `reportFinished`, it posts RUN_START and RUN_SUCCESS for each launch at once, so the
 * coordinator frees the slot as a real run worker's end would. Unsigned-request checks are the
 * real server's business (runner/server); here only the control plane is measured.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { DefinitionsSchema, type LaunchRequest, LaunchRequestSchema } from "../protocol";

export const SINK_JOB = "sink";

const DEFINITIONS = DefinitionsSchema.parse({
  jobs: [
    {
      name: SINK_JOB,
      description: null,
      tags: {},
      executor: "in_process",
      nodes: [{ name: "op", op: "op", description: null, tags: {}, inputs: [], outputs: [], config_schema: null }],
      run_config_schema: { type: "object" },
      default_run_config: {},
    },
  ],
  schedules: [],
  sensors: [],
});

export type LaunchSink = {
  url: string;
  launches: LaunchRequest[];
  /** performance.now() when each run's launch request arrived, by run id. */
  arrivals: Map<string, number>;
  close: () => void;
};

function reportFinishedAtOnce(launch: LaunchRequest): void {
  const ts = Date.now();
  void fetch(launch.events_url, {
    method: "POST",
    headers: { authorization: `Bearer ${launch.run_token}`, "content-type": "application/json" },
    body: JSON.stringify({
      events: [
        { seq: 1, type: "RUN_START", ts },
        { seq: 2, type: "RUN_SUCCESS", ts },
      ],
    }),
  }).then((r) => r.arrayBuffer());
}

export async function startLaunchSink(opts: { reportFinished?: boolean } = {}): Promise<LaunchSink> {
  const launches: LaunchRequest[] = [];
  const arrivals = new Map<string, number>();
  const server = http.createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    if (req.method === "GET" && req.url === "/definitions") return res.end(JSON.stringify(DEFINITIONS));
    if (req.method === "POST" && req.url === "/runs") {
      const launch = LaunchRequestSchema.parse(JSON.parse(body));
      arrivals.set(launch.run_id, performance.now());
      launches.push(launch);
      res.writeHead(202);
      res.end(JSON.stringify({ handle: launch.run_id }));
      if (opts.reportFinished) reportFinishedAtOnce(launch);
      return;
    }
    res.writeHead(404);
    res.end("{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, launches, arrivals, close: () => server.close() };
}
