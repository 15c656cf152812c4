import { describe, expect, it } from "vitest";
import { formatDuration, formatTable, type Output, paint, paintStatus, stripColor } from "./output";

const plain: Output = { color: false, line: () => {}, json: () => {} };
const tty: Output = { ...plain, color: true };

describe("tables for people", () => {
  it("pads each column to its widest cell, ignoring colour codes", () => {
    const rows = [
      ["a", paintStatus(tty, "SUCCESS"), "x"],
      ["longer", "FAILURE", "y"],
    ];
    const lines = formatTable(["RUN", "STATUS", "JOB"], rows).map(stripColor);
    expect(lines).toEqual(["RUN     STATUS   JOB", "a       SUCCESS  x", "longer  FAILURE  y"]);
  });

  it("colours only when the output is a terminal", () => {
    expect(paint(plain, "red", "FAILURE")).toBe("FAILURE");
    expect(paint(tty, "red", "FAILURE")).toBe("\u001b[31mFAILURE\u001b[0m");
  });

  it("writes durations the way people read them", () => {
    expect(formatDuration(null)).toBe("-");
    expect(formatDuration(12_345)).toBe("12.3s");
    expect(formatDuration(185_000)).toBe("3m 05s");
    expect(formatDuration(3_720_000)).toBe("1h 02m");
  });
});
