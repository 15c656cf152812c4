import { describe, expect, it } from "vitest";
import type { InstigatorTestReply } from "../../protocol";
import { parseTickTime, printPreview } from "./instigator-preview";
import type { Output } from "./output";

function capture(): { out: Output; lines: string[] } {
  const lines: string[] = [];
  return { lines, out: { color: false, line: (t = "") => lines.push(t), json: (v) => lines.push(JSON.stringify(v)) } };
}

const base: InstigatorTestReply = {
  location: "demo",
  name: "new_files",
  scheduled_time: null,
  cursor_before: "a",
  cursor_after: "b",
  run_requests: [],
  skip_reason: null,
  error: null,
};

describe("flightdeck schedule|sensor preview", () => {
  it("reads --at as ISO 8601 or ms, and refuses anything else", () => {
    expect(parseTickTime("2026-12-04T03:00:00Z")).toBe(Date.UTC(2026, 11, 4, 3));
    expect(parseTickTime("1800000000000")).toBe(1_800_000_000_000);
    expect(() => parseTickTime("tomorrow")).toThrow(/--at must be a time/);
  });

  it("prints the run requests with a used run key marked, and the cursor a tick would store", () => {
    const { out, lines } = capture();
    const reply = {
      ...base,
      run_requests: [{ job: "greet", run_key: "f1", run_key_used: true, tags: { file: "f1" }, run_config: { a: 1 } }],
    };
    expect(printPreview(out, reply)).toBe(0);
    expect(lines[0]).toBe("demo/new_files would request 1 run(s) (nothing launched):");
    expect(lines[2]).toMatch(/^greet\s+f1 \(used: would be skipped\)\s+file=f1\s+\{"a":1\}$/);
    expect(lines.at(-1)).toBe("Cursor would become: b");
  });

  it("prints a skip reason, and an evaluation error with exit 1", () => {
    const skipped = capture();
    printPreview(skipped.out, { ...base, skip_reason: "No files.", cursor_after: "a" });
    expect(skipped.lines).toEqual(["demo/new_files would skip: No files.", "Cursor unchanged: a"]);
    const failed = capture();
    expect(printPreview(failed.out, { ...base, error: "KeyError" })).toBe(1);
    expect(failed.lines).toEqual(["Evaluation failed: demo/new_files", "KeyError"]);
  });
});
