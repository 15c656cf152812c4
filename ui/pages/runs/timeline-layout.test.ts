import { describe, expect, it } from "vitest";
import type { Run } from "../../../protocol/run";
import { layoutRunsTimeline } from "./timeline-layout";

const run = (id: string, job: string, times: Partial<Pick<Run, "created_at" | "started_at" | "ended_at">>): Run => ({
  id,
  location: "demo",
  job,
  status: "SUCCESS",
  run_config: {},
  tags: {},
  priority: 0,
  attempt: 1,
  parent_run_id: null,
  root_run_id: null,
  created_at: 0,
  updated_at: 0,
  started_at: null,
  ended_at: null,
  agent: null,
  ...times,
});

describe("the runs timeline", () => {
  it("puts each job on its own row, bars from start to end, over the span of all runs", () => {
    const layout = layoutRunsTimeline(
      [
        run("b", "beta", { created_at: 100, started_at: 110, ended_at: 200 }),
        run("a1", "alpha", { created_at: 50, started_at: 60, ended_at: 90 }),
        run("a2", "alpha", { created_at: 300, started_at: 310, ended_at: null }),
      ],
      400,
    );
    expect(layout.t0).toBe(60);
    expect(layout.t1).toBe(400);
    expect(layout.rows.map((r) => [r.job, r.bars.map((b) => [b.run.id, b.start, b.end])])).toEqual([
      [
        "alpha",
        [
          ["a1", 60, 90],
          ["a2", 310, 400],
        ],
      ],
      ["beta", [["b", 110, 200]]],
    ]);
  });

  it("draws a run that has not started from its creation, and nothing for no runs", () => {
    const queued = layoutRunsTimeline([run("q", "alpha", { created_at: 10 })], 30);
    expect(queued.rows[0]?.bars[0]).toMatchObject({ start: 10, end: 30 });
    expect(layoutRunsTimeline([], 5).rows).toEqual([]);
  });
});
