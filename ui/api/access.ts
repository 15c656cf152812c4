/** API calls of the Tokens and Audit pages. */

import { AgentTokenListSchema } from "../../protocol/agents";
import {
  ApiTokenListSchema,
  ApiTokenReplySchema,
  AuditListSchema,
  type AuditQuery,
  type CreateApiToken,
  CreatedApiTokenReplySchema,
} from "../../protocol/api-tokens";
import { apiRequest } from "./client";

export const listApiTokens = (signal?: AbortSignal) =>
  apiRequest("GET", "/api/tokens", ApiTokenListSchema, undefined, { signal });

export const createApiToken = (body: CreateApiToken) =>
  apiRequest("POST", "/api/tokens", CreatedApiTokenReplySchema, body);

export const revokeApiToken = (id: string) =>
  apiRequest("DELETE", `/api/tokens/${encodeURIComponent(id)}`, ApiTokenReplySchema);

export type AuditFilters = Partial<Pick<AuditQuery, "actor" | "action" | "since" | "until" | "before">>;

export function auditPath(f: AuditFilters): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(f)) if (value !== undefined && value !== "") q.set(key, String(value));
  q.set("limit", "50");
  return `/api/audit?${q}`;
}

export const listAudit = (f: AuditFilters, signal?: AbortSignal) =>
  apiRequest("GET", auditPath(f), AuditListSchema, undefined, { signal });

/** The agent tokens (admin): one code location each, listed without their secrets. */
export const listAgentTokens = (signal?: AbortSignal) =>
  apiRequest("GET", "/api/agent-tokens", AgentTokenListSchema, undefined, { signal });
