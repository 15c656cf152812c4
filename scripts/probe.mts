import path from "node:path";
import { generateAdminToken, REPO_ROOT, registerCodeLocation, startCodeLocation, startControlPlane } from "./lib/local-stack";
const dir = "/tmp/probe2";
const cp = await startControlPlane({ persistDir: path.join(dir, "state"), adminToken: generateAdminToken() });
const loc = await startCodeLocation({ name: "demo", file: path.join(REPO_ROOT, "examples/demo/location.ts"), dataDir: path.join(dir, "demo") });
await registerCodeLocation(cp, loc);
for (let i = 0; i < 15; i++) {
  await new Promise(r => setTimeout(r, 300));
  const t0 = Date.now();
  const run = await cp.client.submitRun({ location: "demo", job: "noop" });
  const tReply = Date.now() - t0;
  const polls: string[] = [];
  let st = run.status;
  while (st !== "SUCCESS") { const r = await cp.client.getRun(run.id); st = r.status; polls.push(`${st[0]}${st[1]}@${Date.now() - t0}`); }
  const ev = await cp.client.listEvents(run.id);
  console.log(`reply ${tReply} ${ev.filter(e=>e.seq).map(e => `${e.type.replace("STEP_","S_").replace("RUN_","R_")}@${e.ts - t0}`).join(" ")} | ${polls.join(" ")}`);
}
await loc.stop(); await cp.stop();
