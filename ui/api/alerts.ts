/** API calls of the Alerts page: alert policies, their delivery logs, "send a test" and "send again". */

import { z } from "zod";
import {
  AlertDeliveryListSchema,
  AlertDeliveryReplySchema,
  type AlertPolicyBody,
  AlertPolicyListSchema,
  AlertPolicyReplySchema,
} from "../../protocol/alerts";
import { apiRequest } from "./client";

const policyPath = (id: string) => `/api/alerts/policies/${encodeURIComponent(id)}`;

export const listAlertPolicies = (signal?: AbortSignal) =>
  apiRequest("GET", "/api/alerts/policies", AlertPolicyListSchema, undefined, { signal });

export const createAlertPolicy = (body: AlertPolicyBody) =>
  apiRequest("POST", "/api/alerts/policies", AlertPolicyReplySchema, body);

export const updateAlertPolicy = (id: string, body: AlertPolicyBody) =>
  apiRequest("PUT", policyPath(id), AlertPolicyReplySchema, body);

export const deleteAlertPolicy = (id: string) => apiRequest("DELETE", policyPath(id), z.null());

export const listAlertDeliveries = (id: string, signal?: AbortSignal) =>
  apiRequest("GET", `${policyPath(id)}/deliveries`, AlertDeliveryListSchema, undefined, { signal });

export const sendTestAlert = (id: string) => apiRequest("POST", `${policyPath(id)}/test`, AlertDeliveryReplySchema);

export const resendAlertDelivery = (deliveryId: string) =>
  apiRequest("POST", `/api/alerts/deliveries/${encodeURIComponent(deliveryId)}/resend`, AlertDeliveryReplySchema);
