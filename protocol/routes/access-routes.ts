/** Access: API tokens and the audit log of every change. */
import {
  ApiTokenListSchema,
  ApiTokenReplySchema,
  AuditListSchema,
  AuditQuerySchema,
  CreateApiTokenSchema,
  CreatedApiTokenReplySchema,
} from "../api-tokens";
import { type ApiRoute, json, TokenParams } from "./route-table";

export const ACCESS_ROUTES: readonly ApiRoute[] = [
  {
    method: "GET",
    path: "/api/tokens",
    auth: "admin",
    id: "listApiTokens",
    tag: "access",
    summary: "Every API token: name, role, creator, created, last used, expiry, revoked (never the secret)",
    replies: { 200: json(ApiTokenListSchema, "the tokens, newest first") },
  },
  {
    method: "POST",
    path: "/api/tokens",
    auth: "admin",
    id: "createApiToken",
    tag: "access",
    summary: "Create an API token with a role; the reply holds its secret, shown this once",
    body: CreateApiTokenSchema,
    replies: { 201: json(CreatedApiTokenReplySchema, "the token and its secret") },
  },
  {
    method: "DELETE",
    path: "/api/tokens/{id}",
    auth: "admin",
    id: "revokeApiToken",
    tag: "access",
    summary: "Revoke an API token: it and every session signed in with it stop working at once",
    params: TokenParams,
    replies: { 200: json(ApiTokenReplySchema, "the token, revoked") },
    errors: [404],
  },
  {
    method: "GET",
    path: "/api/audit",
    auth: "viewer",
    id: "listAudit",
    tag: "access",
    summary: "The audit log: every change, who made it (token or session), newest first",
    query: AuditQuerySchema,
    replies: { 200: json(AuditListSchema, "one page of the audit log") },
  },
];
