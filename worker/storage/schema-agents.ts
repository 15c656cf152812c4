/**
 * D1 table of agent tokens (protocol/agents.ts): each lets `flightdeck agent` processes serve one
 * code location. Stored as the API tokens are (schema-access.ts): only the SHA-256 digest of a
 * secret of 32 random bytes, looked up by an index on that digest.
 */
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const agentTokens = sqliteTable(
  "agent_tokens",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** The one code location the token's agents may serve. */
    location: text("location").notNull(),
    tokenHash: text("token_hash").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    lastUsedAt: integer("last_used_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [
    uniqueIndex("agent_tokens_token_hash_idx").on(t.tokenHash),
    index("agent_tokens_location_idx").on(t.location),
  ],
);
