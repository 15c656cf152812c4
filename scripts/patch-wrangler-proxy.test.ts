import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import vm from "node:vm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REPO_ROOT } from "./lib/local-stack";
import { patchWranglerProxy } from "./patch-wrangler-proxy.mjs";

const FORWARD = "void fetch(userWorkerUrl, new Request(request, { headers })).then(";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "flightdeck-patch-wrangler-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function installWrangler(version: string, proxyWorker: string): Promise<string> {
  const dir = path.join(root, "node_modules/wrangler");
  await mkdir(path.join(dir, "wrangler-dist"), { recursive: true });
  await writeFile(path.join(dir, "package.json"), JSON.stringify({ version }));
  const file = path.join(dir, "wrangler-dist/ProxyWorker.js");
  await writeFile(file, proxyWorker);
  return file;
}

describe("patchWranglerProxy", () => {
  it("sends wrangler 4.86's forward through the retrying one, once however often it runs", async () => {
    const file = await installWrangler("4.86.0", `x.then(() => {\n  ${FORWARD}async (res) => res);\n});\n`);
    expect(patchWranglerProxy(root)).toBe("patched-now");
    const patched = await readFile(file, "utf8");
    expect(patched).not.toContain(FORWARD);
    expect(patched).toContain("void forwardRetryingDroppedConnection(userWorkerUrl, request, headers).then(async");
    expect(patched).toContain("async function forwardRetryingDroppedConnection(url, request, headers)");
    expect(patchWranglerProxy(root)).toBe("patched");
    expect(await readFile(file, "utf8")).toBe(patched);
  });

  it("leaves another wrangler version, or a ProxyWorker it does not recognize, as it is", async () => {
    const other = await installWrangler("4.127.1", FORWARD);
    expect(patchWranglerProxy(root)).toBe("other-version");
    expect(await readFile(other, "utf8")).toBe(FORWARD);
    const unknown = await installWrangler("4.86.0", "void fetch(somethingElse)");
    expect(patchWranglerProxy(root)).toBe("unrecognized");
    expect(await readFile(unknown, "utf8")).toBe("void fetch(somethingElse)");
  });

  it("sends a request again, body and all, when its forward fails, and gives up after the third failure", async () => {
    await installWrangler("4.86.0", FORWARD);
    patchWranglerProxy(root);
    const source = await readFile(path.join(root, "node_modules/wrangler/wrangler-dist/ProxyWorker.js"), "utf8");
    const forward = (failures: number) => {
      const sent: string[] = [];
      const fetch = async (url: URL, request: Request) => {
        sent.push(`${request.method} ${url.pathname} ${await request.text()}`);
        if (sent.length <= failures) throw new Error("Network connection lost.");
        return new Response("ok");
      };
      const context = vm.createContext({ fetch, Request, Response, URL, Headers });
      vm.runInContext(source.slice(source.indexOf("async function forwardRetryingDroppedConnection")), context);
      const url = new URL("http://127.0.0.1:1/api/runs");
      const request = new Request("http://127.0.0.1:2/api/runs", { method: "POST", body: '{"job":"greet"}' });
      const result = context.forwardRetryingDroppedConnection(url, request, new Headers()) as Promise<Response>;
      return { result, sent };
    };
    const twice = forward(2);
    expect(await (await twice.result).text()).toBe("ok");
    expect(twice.sent).toEqual(Array(3).fill('POST /api/runs {"job":"greet"}'));
    const always = forward(3);
    await expect(always.result).rejects.toThrow("Network connection lost.");
    expect(always.sent).toHaveLength(3);
  });

  it("has patched the wrangler this repository runs (npm test and npm start apply it first)", async () => {
    expect(patchWranglerProxy(REPO_ROOT)).toBe("patched");
  });
});
