/**
 * Rewrites the relative module specifiers of one emitted file (JavaScript or .d.ts): `from "./x"`,
 * `import("./x")`, `import "./x"`, `export * from "./x"` (pure); and what each names among the built files.
 * Bare specifiers (`zod`, `node:fs`) are left alone: Node resolves those itself.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

const RELATIVE_SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])(\.\.?(?:\/[^"'\n]*)?)\2/g;

export function rewriteRelativeSpecifiers(source: string, resolveSpecifier: (specifier: string) => string): string {
  return source.replace(
    RELATIVE_SPECIFIER,
    (_match, keyword: string, quote: string, specifier: string) =>
      `${keyword}${quote}${resolveSpecifier(specifier)}${quote}`,
  );
}

/**
 * What a relative specifier in the built `fromFile` names among the built files, with its
 * extension (`./x` → `./x.js`, `../protocol` → `../protocol/index.js`); throws when it names none,
 * which would fail at run time.
 */
export function resolveBuiltSpecifier(fromFile: string, specifier: string): string {
  const isTypes = fromFile.endsWith(".d.ts");
  const base = resolve(dirname(fromFile), specifier);
  const file = isTypes ? `${base}.d.ts` : `${base}.js`;
  if (existsSync(file)) return `${specifier}.js`;
  const index = join(base, isTypes ? "index.d.ts" : "index.js");
  if (existsSync(index)) return `${specifier.replace(/\/$/, "")}/index.js`;
  if (existsSync(base) && statSync(base).isFile()) return specifier;
  throw new Error(`${fromFile}: "${specifier}" names no built module`);
}
