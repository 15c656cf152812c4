import { describe, expect, it } from "vitest";
import { rewriteRelativeSpecifiers } from "./specifiers";

const withJs = (specifier: string) => `${specifier}.js`;

describe("rewriteRelativeSpecifiers", () => {
  it.each([
    ['import { a } from "./a";', 'import { a } from "./a.js";'],
    ["export * from '../protocol';", "export * from '../protocol.js';"],
    ['export { b } from "./dir/b";', 'export { b } from "./dir/b.js";'],
    ['const m = await import("./lazy");', 'const m = await import("./lazy.js");'],
    ['import "./side-effect";', 'import "./side-effect.js";'],
    ['import type { T } from "./types";', 'import type { T } from "./types.js";'],
    ['export declare const x: import("./t").T;', 'export declare const x: import("./t.js").T;'],
  ])("rewrites %s", (source, expected) => {
    expect(rewriteRelativeSpecifiers(source, withJs)).toBe(expected);
  });

  it.each([
    'import { z } from "zod";',
    'import { join } from "node:path";',
    'const text = "see ./readme";',
    'const where = "from " + dir;',
  ])("leaves %s alone", (source) => {
    expect(rewriteRelativeSpecifiers(source, withJs)).toBe(source);
  });
});
