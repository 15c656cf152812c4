/**
 * `/api/tokens`: API tokens with a role (protocol/roles.ts), made, listed and revoked by an admin.
 * The secret is in the creation reply only; D1 keeps its SHA-256 digest (storage/schema-access.ts
 * says why a fast hash suffices). Revoking ends the token's dashboard sessions in the same batch.
 */
import { Hono } from "hono";
import { API_TOKEN_PREFIX, type ApiTokenList, CreateApiTokenSchema, type CreatedApiTokenReply } from "../../protocol";
import type { AppEnv } from "../app-env";
import { auditActor } from "../auth/actor";
import { randomSecret, sha256Hex } from "../auth/token-hash";
import { NotFoundError } from "../errors";
import { readJsonBody } from "../http/read-json-body";
import { insertApiToken, listApiTokens, revokeApiToken, toApiToken } from "../storage/access-repo";

const DAY_MS = 24 * 60 * 60 * 1000;

/** A short id people can quote (audit rows, `flightdeck/user`); the secret is separate. */
function newTokenId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return `tok_${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export const tokenRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    return c.json({ tokens: await listApiTokens(c.get("deps").db) } satisfies ApiTokenList);
  })
  .post("/", async (c) => {
    const body = await readJsonBody(c, CreateApiTokenSchema);
    const now = Date.now();
    const secret = randomSecret(API_TOKEN_PREFIX);
    const actor = auditActor(c);
    const row = {
      id: newTokenId(),
      name: body.name,
      role: body.role,
      tokenHash: await sha256Hex(secret),
      createdBy: actor,
      createdAt: now,
      lastUsedAt: null,
      expiresAt: body.expires_in_days === undefined ? null : now + body.expires_in_days * DAY_MS,
      revokedAt: null,
    };
    await insertApiToken(c.get("deps").db, row, {
      ts: now,
      actor,
      action: "token.create",
      target: row.id,
      details: { name: row.name, role: row.role, expires_at: row.expiresAt },
    });
    return c.json({ token: toApiToken(row), secret } satisfies CreatedApiTokenReply, 201);
  })
  .delete("/:id", async (c) => {
    const id = c.req.param("id");
    const now = Date.now();
    const row = await revokeApiToken(c.get("deps").db, id, now, {
      ts: now,
      actor: auditActor(c),
      action: "token.revoke",
      target: id,
    });
    if (!row) throw new NotFoundError("token_not_found", `There is no API token with id ${id}.`);
    return c.json({ token: toApiToken(row) });
  });
