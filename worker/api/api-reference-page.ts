/**
 * The OpenAPI document as one self-contained HTML page (`GET /api/docs`): each operation with its
 * auth, parameters, body and replies, schemas linked to their definitions below. Plain HTML with
 * no script, so it reads the same with JavaScript off, and escapes every string it prints.
 */
import type { JsonSchemaObject, OpenApiDocument } from "../../protocol/openapi";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);

/** Pretty JSON whose `$ref`s link to their component's anchor. */
function schemaHtml(schema: unknown): string {
  return escapeHtml(JSON.stringify(schema, null, 2)).replace(
    /&quot;#\/components\/schemas\/([A-Za-z0-9_]+)&quot;/g,
    (_, name: string) => `<a href="#schema-${name}">&quot;${name}&quot;</a>`,
  );
}

function refLink(content: unknown): string {
  const schema = (content as { "application/json"?: { schema?: { $ref?: string } } } | undefined)?.["application/json"]
    ?.schema;
  const name = schema?.$ref?.split("/").at(-1);
  if (name) return `<a href="#schema-${escapeHtml(name)}"><code>${escapeHtml(name)}</code></a>`;
  return content ? "<code>text/html</code>" : "";
}

function authText(security: unknown): string {
  const schemes = (security as Record<string, unknown>[]).flatMap((s) => Object.keys(s));
  if (schemes.length === 0) return "none";
  return schemes.map((s) => `<a href="#auth-${s}"><code>${s}</code></a>`).join(" or ");
}

function operationHtml(method: string, path: string, op: JsonSchemaObject): string {
  const params = (op.parameters as JsonSchemaObject[] | undefined) ?? [];
  const responses = op.responses as Record<string, JsonSchemaObject>;
  const body = op.requestBody as JsonSchemaObject | undefined;
  const rows = params
    .map(
      (p) =>
        `<tr><td><code>${escapeHtml(String(p.name))}</code></td><td>${escapeHtml(String(p.in))}${p.required ? ", required" : ""}</td><td><code>${escapeHtml(JSON.stringify(p.schema))}</code></td><td>${escapeHtml(String(p.description ?? ""))}</td></tr>`,
    )
    .join("");
  const replies = Object.entries(responses)
    .map(
      ([status, r]) =>
        `<tr><td>${escapeHtml(status)}</td><td>${escapeHtml(String(r.description))}</td><td>${refLink(r.content)}</td></tr>`,
    )
    .join("");
  return `<section class="op" id="${escapeHtml(String(op.operationId))}">
<h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(String(op.summary))}</p>
<p>Auth: ${authText(op.security)}. ${escapeHtml(String(op.description ?? ""))}</p>
${rows ? `<table><tr><th>parameter</th><th>in</th><th>schema</th><th></th></tr>${rows}</table>` : ""}
${body ? `<p>Body: ${refLink(body.content)}</p>` : ""}
<table><tr><th>status</th><th>reply</th><th>body</th></tr>${replies}</table>
</section>`;
}

export function renderApiReference(doc: OpenApiDocument): string {
  const byTag = new Map<string, string[]>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const tag = (op.tags as string[])[0] ?? "other";
      byTag.set(tag, [...(byTag.get(tag) ?? []), operationHtml(method, path, op)]);
    }
  }
  const sections = doc.tags
    .map(
      (t) =>
        `<h2 id="tag-${escapeHtml(t.name)}">${escapeHtml(t.name)}</h2><p>${escapeHtml(t.description)}</p>${(byTag.get(t.name) ?? []).join("\n")}`,
    )
    .join("\n");
  const auth = Object.entries(doc.components.securitySchemes)
    .map(([name, s]) => `<dt id="auth-${name}"><code>${name}</code></dt><dd>${escapeHtml(String(s.description))}</dd>`)
    .join("");
  const schemas = Object.entries(doc.components.schemas)
    .map(
      ([name, s]) =>
        `<h3 id="schema-${escapeHtml(name)}"><code>${escapeHtml(name)}</code></h3><pre>${schemaHtml(s)}</pre>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(doc.info.title)} ${escapeHtml(doc.info.version)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
code,pre{font-family:ui-monospace,monospace;font-size:13px}pre{background:#f4f5f7;padding:.75rem;overflow:auto}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #d7dbe0;padding:.25rem .5rem;text-align:left;vertical-align:top}
.op{border-top:1px solid #d7dbe0;padding-top:.5rem}.m{font-weight:700}.get{color:#0a6}.post{color:#06c}.put,.patch{color:#a60}.delete{color:#c22}
</style></head><body>
<h1>${escapeHtml(doc.info.title)} <small>${escapeHtml(doc.info.version)}</small></h1>
<p>${escapeHtml(doc.info.description)}</p>
<p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI ${doc.openapi}).</p>
<h2>Auth</h2><dl>${auth}</dl>
${sections}
<h2>Schemas</h2>
${schemas}
</body></html>`;
}
