// `wrangler dev` answers every request through its ProxyWorker, which forwards it to the Worker on a
// kept-alive connection. When that connection is closed by the Worker's side at the moment a
// request is written to it, the forward fails with "Network connection lost". Wrangler 4.86 then
// compares the whole URL, path included, with the Worker's origin, so it takes the failure for a
// Worker restart: a GET or HEAD is parked until a restart that never comes (the browser waits on
// it forever, workers-sdk#3942), any other request is answered 503 "Your worker restarted
// mid-request". Wrangler 4.127+ retries such a request on a fresh connection (workers-sdk#15252),
// but requires Node 22; this project supports Node 20, so it pins 4.86 and patches the forward the
// same way: a request whose forward fails is sent once or twice more before the old handling
// applies. Its body is read first so it can be sent again. A POST is sent again too: a forward that
// fails on a dropped connection never reached the Worker (workers-sdk#15317 shows the Worker saw no
// trace of it), and one whose Worker restarted fails again on the dead port and gets wrangler's 503.
//
// Only wrangler 4.86.0's ProxyWorker is patched, idempotently; any other version is left alone.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const MARKER = "flightdeck: forward retried on a dropped connection";
const FORWARD = "void fetch(userWorkerUrl, new Request(request, { headers })).then(";
const RETRYING_FORWARD = "void forwardRetryingDroppedConnection(userWorkerUrl, request, headers).then(";
const RETRY = `
// ${MARKER} (scripts/patch-wrangler-proxy.mjs)
async function forwardRetryingDroppedConnection(url, request, headers) {
  const body = request.body === null ? null : await request.arrayBuffer();
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, new Request(request, { headers, body }));
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}
`;

/** Patches the ProxyWorker of the wrangler installed under `root`; says what it did. */
export function patchWranglerProxy(root) {
  const dir = path.join(root, "node_modules/wrangler");
  const file = path.join(dir, "wrangler-dist/ProxyWorker.js");
  if (!existsSync(file)) return "absent";
  const { version } = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
  if (version !== "4.86.0") return "other-version";
  const source = readFileSync(file, "utf8");
  if (source.includes(MARKER)) return "patched";
  if (!source.includes(FORWARD)) return "unrecognized";
  writeFileSync(file, `${source.replace(FORWARD, RETRYING_FORWARD)}${RETRY}`);
  return "patched-now";
}
