/**
 * The priority tag read as Dagster reads it: Python's int(), else 0 (`_priority_sort`; Dagster's
 * test_priority_on_malformed_tag). The property tests write integers the ways Python's int()
 * accepts and check they read back, and check that anything else reads as 0 with a warning.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readPriorityTag } from "./priority-tag";

describe("readPriorityTag", () => {
  it.each([
    { raw: undefined, priority: 0, warns: false, name: "no tag is the default" },
    { raw: "3", priority: 3, warns: false, name: "an integer" },
    { raw: "-100", priority: -100, warns: false, name: "a negative integer" },
    { raw: " +7 ", priority: 7, warns: false, name: "a signed integer with spaces" },
    { raw: "\t-2\n", priority: -2, warns: false, name: "tabs and newlines around it" },
    { raw: "\u00a03\u3000", priority: 3, warns: false, name: "Unicode spaces Python strips" },
    { raw: "007", priority: 7, warns: false, name: "leading zeros" },
    { raw: "1_000", priority: 1000, warns: false, name: "underscores between digits" },
    { raw: "\uff13", priority: 3, warns: false, name: "a fullwidth digit" },
    { raw: "\u0663\u0660", priority: 30, warns: false, name: "Arabic-Indic digits" },
    { raw: "-0", priority: 0, warns: false, name: "-0 is 0" },
    { raw: "1.5", priority: 0, warns: true, name: "a fraction" },
    { raw: "foobar", priority: 0, warns: true, name: "a word (test_priority_on_malformed_tag)" },
    { raw: "", priority: 0, warns: true, name: "an empty value" },
    { raw: "   ", priority: 0, warns: true, name: "only spaces" },
    { raw: "- 3", priority: 0, warns: true, name: "a space after the sign" },
    { raw: "+-3", priority: 0, warns: true, name: "two signs" },
    { raw: "_1", priority: 0, warns: true, name: "a leading underscore" },
    { raw: "1__0", priority: 0, warns: true, name: "two underscores" },
    { raw: "1e3", priority: 0, warns: true, name: "an exponent" },
    { raw: "0x10", priority: 0, warns: true, name: "hex" },
    { raw: "\ufeff1", priority: 0, warns: true, name: "a byte-order mark, which Python does not strip" },
  ])("reads $name", ({ raw, priority, warns }) => {
    const read = readPriorityTag(raw);
    expect(Object.is(read.priority, priority)).toBe(true);
    expect(read.warning).toBe(warns ? `priority tag '${raw}' is not an integer; using 0` : null);
  });

  it("keeps the order of integers beyond 2^53 only as far as it can, and says so", () => {
    expect(readPriorityTag("99999999999999999999")).toEqual({
      priority: Number.MAX_SAFE_INTEGER,
      warning: `priority tag '99999999999999999999' is beyond ±${Number.MAX_SAFE_INTEGER}; using ${Number.MAX_SAFE_INTEGER}`,
    });
    expect(readPriorityTag("-99999999999999999999").priority).toBe(-Number.MAX_SAFE_INTEGER);
  });

  const space = fc.constantFrom("", " ", "  ", "\t", "\n", "\u00a0", "\u2003", "\u3000", "\x1f", "\x85");
  it("reads back every safe integer written with Python's whitespace, sign and underscores", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
        space,
        space,
        fc.boolean(),
        fc.boolean(),
        (value, before, after, plus, underscores) => {
          let digits = String(Math.abs(value));
          if (underscores) digits = digits.replace(/\B(?=(\d{3})+(?!\d))/g, "_");
          const sign = value < 0 ? "-" : plus ? "+" : "";
          expect(readPriorityTag(`${before}${sign}${digits}${after}`)).toEqual({ priority: value, warning: null });
        },
      ),
    );
  });

  it("reads anything with a character outside Python's int() grammar as 0, with the warning", () => {
    const notInt = fc
      .string({ minLength: 1, maxLength: 8 })
      .filter((s) => /[^\d\s+_-]/u.test(s.trim()) && !/^\s*[+-]?\p{Nd}+(_\p{Nd}+)*\s*$/u.test(s));
    fc.assert(
      fc.property(fc.integer({ min: -999, max: 999 }), notInt, (value, junk) => {
        const raw = `${value}${junk}`;
        expect(readPriorityTag(raw)).toEqual({
          priority: 0,
          warning: `priority tag '${raw}' is not an integer; using 0`,
        });
      }),
    );
  });

  it("orders as the integers do: a higher tag never reads lower", () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer(), (a, b) => {
        const [ra, rb] = [readPriorityTag(String(a)).priority, readPriorityTag(String(b)).priority];
        expect(Math.sign(ra - rb)).toBe(Math.sign(a - b));
      }),
    );
  });
});
