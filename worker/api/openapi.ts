/**
 * `GET /api/openapi.json` and `GET /api/docs`: the API's contract as OpenAPI 3.1, and the same
 * document as a page a person reads. Both without auth — the contract is no secret, and a client
 * generator or a newcomer should not need a token to see what the API takes. The document is
 * built once per isolate from the protocol's route table (protocol/openapi.ts).
 */
import { Hono } from "hono";
import packageJson from "../../package.json";
import { buildOpenApiDocument, type OpenApiDocument } from "../../protocol/openapi";
import type { AppEnv } from "../app-env";
import { renderApiReference } from "./api-reference-page";

let cached: { document: OpenApiDocument; page: string } | undefined;

function built() {
  if (!cached) {
    const document = buildOpenApiDocument(packageJson.version);
    cached = { document, page: renderApiReference(document) };
  }
  return cached;
}

export const openApiRoutes = new Hono<AppEnv>()
  .get("/openapi.json", (c) => c.json(built().document))
  .get("/docs", (c) => c.html(built().page));
