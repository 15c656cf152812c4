// Secrets are not in wrangler.toml, so `wrangler types` cannot see them; declared here.
declare namespace Cloudflare {
  interface Env {
    /** The bootstrap admin token (`wrangler secret put ADMIN_TOKEN`; `npm start` writes a local one). */
    ADMIN_TOKEN: string;
  }
}
