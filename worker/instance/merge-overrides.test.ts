import { describe, expect, it } from "vitest";
import { resolveInstanceConfig } from "../../protocol";
import { describeChanges, mergeOverrides } from "./merge-overrides";

const configOf = (values: object) => resolveInstanceConfig([{ source: "override", values }]).config;

describe("mergeOverrides", () => {
  it.each([
    [
      "a patch on an empty layer is the patch",
      {},
      { run_coordinator: { paused: true } },
      { run_coordinator: { paused: true } },
    ],
    [
      "a patch keeps the saved leaves it does not name",
      { run_coordinator: { max_concurrent_runs: 3 }, schedules: { max_catchup_runs: 1 } },
      { run_coordinator: { paused: true } },
      { run_coordinator: { max_concurrent_runs: 3, paused: true }, schedules: { max_catchup_runs: 1 } },
    ],
    [
      "an array leaf is replaced whole, not merged",
      {
        run_coordinator: {
          tag_concurrency_limits: [
            { key: "a", limit: 1 },
            { key: "b", limit: 2 },
          ],
        },
      },
      { run_coordinator: { tag_concurrency_limits: [{ key: "c", limit: 0 }] } },
      { run_coordinator: { tag_concurrency_limits: [{ key: "c", limit: 0 }] } },
    ],
    [
      "a record leaf is replaced whole",
      { concurrency: { pools: { limits: { db: 1, api: 2 } } } },
      { concurrency: { pools: { limits: { gpu: 1 } } } },
      { concurrency: { pools: { limits: { gpu: 1 } } } },
    ],
  ])("%s", (_name, saved, patch, expected) => {
    expect(mergeOverrides(saved, patch)).toEqual(expected);
  });
});

describe("describeChanges", () => {
  it("lists exactly the leaves whose effective value moved", () => {
    const before = configOf({ run_coordinator: { max_concurrent_runs: 3 } });
    const after = configOf({ run_coordinator: { max_concurrent_runs: 5, paused: false } });
    expect(describeChanges(before, after)).toEqual([{ path: "run_coordinator.max_concurrent_runs", from: 3, to: 5 }]);
  });

  it("compares arrays by value", () => {
    const limits = [{ key: "team", limit: 2 }];
    expect(
      describeChanges(
        configOf({ run_coordinator: { tag_concurrency_limits: limits } }),
        configOf({ run_coordinator: { tag_concurrency_limits: [...limits] } }),
      ),
    ).toEqual([]);
  });
});
