/**
 * D1 tables of who may do what (DESIGN.md §2, §7): API tokens, the dashboard's sessions, and the
 * idempotency keys of submits. Secrets are stored only as SHA-256 digests (auth/token-hash.ts):
 * a token or session secret is 32 random bytes, so its digest cannot be reversed or guessed, and
 * a fast hash lets a request find its row by an index lookup. A slow password hash (bcrypt,
 * scrypt) protects low-entropy secrets people choose; these are not chosen by people.
 */
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { type Role, RoleSchema } from "../../protocol";

/** zod types an enum's options as an array; drizzle's `enum` wants a non-empty tuple. */
const ROLES = RoleSchema.options as [Role, ...Role[]];

export const apiTokens = sqliteTable(
  "api_tokens",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    /** SHA-256 (hex) of the secret; the secret itself is shown once, at creation. */
    tokenHash: text("token_hash").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    lastUsedAt: integer("last_used_at"),
    expiresAt: integer("expires_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [uniqueIndex("api_tokens_token_hash_idx").on(t.tokenHash)],
);

/**
 * One row per dashboard sign-in. The cookie holds a random secret; this row holds its digest, so
 * deleting the row (sign-out) or revoking `tokenId` ends the session on its next request.
 * `tokenId` is null for a session made with the admin token; `adminKey` then holds a digest of
 * that admin token, so rotating the Worker secret ends those sessions too.
 */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    secretHash: text("secret_hash").notNull(),
    tokenId: text("token_id").references(() => apiTokens.id, { onDelete: "cascade" }),
    adminKey: text("admin_key"),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [uniqueIndex("sessions_secret_hash_idx").on(t.secretHash), index("sessions_token_id_idx").on(t.tokenId)],
);

/**
 * `Idempotency-Key`s of submits and re-executes, per caller and route, kept 24 hours: the run a
 * key made and a digest of the body it came with (Stripe's rule: same key, other body → refused).
 */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    /** Whose key: the run's `flightdeck/user` owner and the route, e.g. `tok_1a2b submitRun`. */
    scope: text("scope").notNull(),
    key: text("key").notNull(),
    bodyHash: text("body_hash").notNull(),
    runId: text("run_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] }), index("idempotency_keys_created_at_idx").on(t.createdAt)],
);
