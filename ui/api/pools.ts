/** API calls of the Pools page: op concurrency pools, their holders, and a pool's limit, set or deleted. */
import { PoolListReplySchema, PoolSchema } from "../../protocol/pools";
import { apiRequest } from "./client";

export const listPools = (signal?: AbortSignal) =>
  apiRequest("GET", "/api/concurrency/pools", PoolListReplySchema, undefined, { signal });

export const setPoolLimit = (pool: string, limit: number) =>
  apiRequest("PUT", `/api/concurrency/pools/${encodeURIComponent(pool)}`, PoolSchema, { limit });

/** Deletes the pool's own limit: the instance's default_limit applies to it again, or none. */
export const deletePoolLimit = (pool: string) =>
  apiRequest("DELETE", `/api/concurrency/pools/${encodeURIComponent(pool)}`, PoolSchema);
