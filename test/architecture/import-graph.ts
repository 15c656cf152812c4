/**
 * The project's import graph, read with TypeScript's own parser: for every source file, the files
 * it imports (value or type, static or dynamic, re-exports included) and the names it takes from
 * each, plus the names each file exports. The architecture tests beside this ask it about layering,
 * circles and exports nobody imports.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

export const ROOT = path.resolve(import.meta.dirname, "../..");

export type SourceFile = {
  /** Repository-relative, with forward slashes. */
  path: string;
  /** Files this one imports, repository-relative. */
  imports: Set<string>;
  /** Names this one imports (or re-exports) from each file; "*" for a namespace or `export *`. */
  importedNames: Map<string, Set<string>>;
  /** Files whose every export this one passes on (`export * from`). */
  reexportsAll: Set<string>;
  /** Names this file exports, by declaration, with whether the name is used again in its own file. */
  exports: Map<string, { usedInFile: boolean }>;
};

const EXTENSIONS = [".ts", ".tsx", "/index.ts", "/index.tsx"];

function resolve(from: string, specifier: string): string | null {
  if (!specifier.startsWith(".")) return null;
  const base = path.resolve(ROOT, path.dirname(from), specifier);
  if (existsSync(base) && statSync(base).isFile()) return path.relative(ROOT, base);
  for (const ext of EXTENSIONS) if (existsSync(base + ext)) return path.relative(ROOT, base + ext);
  return null;
}

function exportedNames(node: ts.Statement): string[] {
  const modifiers = ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined;
  if (!modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) return [];
  if (ts.isVariableStatement(node))
    return node.declarationList.declarations.flatMap((d) => (ts.isIdentifier(d.name) ? [d.name.text] : []));
  if (
    (ts.isFunctionDeclaration(node) ||
      ts.isClassDeclaration(node) ||
      ts.isInterfaceDeclaration(node) ||
      ts.isTypeAliasDeclaration(node) ||
      ts.isEnumDeclaration(node)) &&
    node.name
  )
    return modifiers.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword) ? ["default"] : [node.name.text];
  return [];
}

function parse(file: string): SourceFile {
  const text = readFileSync(path.join(ROOT, file), "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const imports = new Set<string>();
  const importedNames = new Map<string, Set<string>>();
  const take = (target: string | null, names: string[]) => {
    if (!target) return;
    imports.add(target);
    const set = importedNames.get(target) ?? new Set<string>();
    for (const name of names) set.add(name);
    importedNames.set(target, set);
  };
  const exports = new Map<string, { usedInFile: boolean }>();
  const reexportsAll = new Set<string>();
  for (const statement of source.statements) {
    for (const name of exportedNames(statement)) exports.set(name, { usedInFile: false });
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const clause = statement.importClause;
      const names: string[] = [];
      if (clause?.name) names.push("default");
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.push("*");
      if (bindings && ts.isNamedImports(bindings))
        for (const el of bindings.elements) names.push((el.propertyName ?? el.name).text);
      take(resolve(file, statement.moduleSpecifier.text), names);
    }
    if (
      ts.isExportDeclaration(statement) &&
      statement.moduleSpecifier &&
      ts.isStringLiteral(statement.moduleSpecifier)
    ) {
      const clause = statement.exportClause;
      const target = resolve(file, statement.moduleSpecifier.text);
      if (!clause && target) {
        imports.add(target);
        reexportsAll.add(target);
      } else
        take(
          target,
          clause && ts.isNamedExports(clause) ? clause.elements.map((el) => (el.propertyName ?? el.name).text) : ["*"],
        );
      if (clause && ts.isNamedExports(clause))
        for (const el of clause.elements) exports.set(el.name.text, { usedInFile: true });
    }
  }
  // Dynamic `import("./x")` and `vi.mock("./x")`: the whole module counts as used.
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteral(node.arguments[0] as ts.Node)) {
      const callee = node.expression;
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isMock = ts.isPropertyAccessExpression(callee) && callee.name.text === "mock";
      if (isImport || isMock) take(resolve(file, (node.arguments[0] as ts.StringLiteral).text), ["*"]);
    }
    if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal))
      take(resolve(file, node.argument.literal.text), ["*"]);
    ts.forEachChild(node, visit);
  };
  visit(source);
  // An exported name that appears again in its own file (beyond its declaration) is used there.
  for (const [name, info] of exports) {
    const uses = text.match(new RegExp(`\\b${name}\\b`, "g"))?.length ?? 0;
    if (uses > 1) info.usedInFile = true;
  }
  return { path: file, imports, importedNames, reexportsAll, exports };
}

/** Every tracked TypeScript source file of the repository, parsed. */
export function readGraph(): Map<string, SourceFile> {
  const files = execFileSync("git", ["ls-files", "*.ts", "*.tsx"], { cwd: ROOT, encoding: "utf8" })
    .split("\n")
    .filter((f) => f && !f.endsWith(".d.ts") && existsSync(path.join(ROOT, f)));
  return new Map(files.map((f) => [f, parse(f)]));
}

/** Every import circle that passes through `file`, each as the list of files around it. */
export function circlesThrough(graph: Map<string, SourceFile>, file: string): string[][] {
  const circles: string[][] = [];
  const seen = new Set<string>();
  const walk = (current: string, trail: string[]) => {
    for (const next of graph.get(current)?.imports ?? []) {
      if (next === file) circles.push([...trail, next]);
      else if (!seen.has(next)) {
        seen.add(next);
        walk(next, [...trail, next]);
      }
    }
  };
  walk(file, [file]);
  return circles;
}

/**
 * The names other files take from each file, through barrels: a name imported from a file that
 * passes on another's every export (`export * from`) counts for that other file too.
 */
export function importedNamesByFile(graph: Map<string, SourceFile>): Map<string, Set<string>> {
  const imported = new Map<string, Set<string>>();
  const add = (target: string, name: string): boolean => {
    const set = imported.get(target) ?? new Set<string>();
    imported.set(target, set);
    if (set.has(name)) return false;
    set.add(name);
    return true;
  };
  for (const file of graph.values())
    for (const [target, names] of file.importedNames) for (const name of names) add(target, name);
  for (let changed = true; changed; ) {
    changed = false;
    for (const file of graph.values())
      for (const target of file.reexportsAll)
        for (const name of imported.get(file.path) ?? []) if (add(target, name)) changed = true;
  }
  return imported;
}
