/**
 * The security headers every response of the control plane carries. The API's replies are JSON
 * and never rendered, so their policy allows nothing; the dashboard's policy allows only its own
 * origin's scripts, styles, images and API calls (it loads no third-party code, uses no inline
 * script and no eval). The dashboard's copy is written to `ui/public/_headers` for Workers Static
 * Assets, which serves the built UI before the Worker runs; a test keeps the two in step.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // Preact sets element styles through the DOM (`style` props), which a style-src without
  // 'unsafe-inline' would block on some elements; no style comes from elsewhere.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

export const COMMON_SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
} as const;
