/** API calls of the Agents page: the connected agents (`GET /api/agents`). */
import { AgentListSchema } from "../../protocol/agents";
import { apiRequest } from "./client";

export const listAgents = async (signal?: AbortSignal) =>
  (await apiRequest("GET", "/api/agents", AgentListSchema, undefined, { signal })).agents;
