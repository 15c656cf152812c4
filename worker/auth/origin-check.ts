/**
 * CSRF defence for cookie-authenticated requests (DESIGN.md §7): a mutation made with the session
 * cookie must come from a page of this origin. Browsers send `Origin` on every non-GET fetch and
 * form post, and a page cannot forge it. Bearer-token calls (CLI, scripts) are not checked: a
 * cross-site page cannot attach an Authorization header without the token.
 */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}

/** Whether the request's `Origin` header names the origin the request was sent to. */
export function hasSameOrigin(requestUrl: string, originHeader: string | undefined): boolean {
  if (!originHeader) return false;
  return originHeader === new URL(requestUrl).origin;
}
