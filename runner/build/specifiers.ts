/**
 * Rewrites the relative module specifiers of one emitted file (JavaScript or .d.ts): `from "./x"`,
 * `import("./x")`, `import "./x"`, `export * from "./x"`. Pure; the build resolves each one.
 * Bare specifiers (`zod`, `node:fs`) are left alone: Node resolves those itself.
 */
const RELATIVE_SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])(\.\.?(?:\/[^"'\n]*)?)\2/g;

export function rewriteRelativeSpecifiers(source: string, resolveSpecifier: (specifier: string) => string): string {
  return source.replace(
    RELATIVE_SPECIFIER,
    (_match, keyword: string, quote: string, specifier: string) =>
      `${keyword}${quote}${resolveSpecifier(specifier)}${quote}`,
  );
}
