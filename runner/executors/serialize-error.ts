/**
 * Errors as events carry them (protocol SerializedError): Dagster's SerializableErrorInfo, with
 * the user's message, stack and cause chain kept, and a thrown non-Error coerced to one.
 */
import type { JsonObject, SerializedError } from "../../protocol";

const MAX_CAUSE_DEPTH = 5;

export function serializeError(error: unknown, depth = 0): SerializedError {
  if (!(error instanceof Error)) {
    return { name: "NonErrorThrown", message: `a non-Error value was thrown: ${describe(error)}` };
  }
  return {
    name: error.name,
    message: error.message,
    ...(error.stack ? { stack: error.stack } : {}),
    ...(error.cause !== undefined && depth < MAX_CAUSE_DEPTH ? { cause: serializeError(error.cause, depth + 1) } : {}),
  };
}

/** `{error}` as an event's data. */
export function errorData(error: SerializedError): JsonObject {
  return { error: JSON.parse(JSON.stringify(error)) as JsonObject };
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    // Circular or exotic values: their string form is the best we can say.
    return String(value);
  }
}
