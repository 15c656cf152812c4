// Setup file of the "worker" vitest project: every test file starts with an empty, migrated D1 and
// no Durable Object. The project runs files one after another in a few long-lived workerd
// instances (`isolate: false`: a fresh Miniflare per file cost most of the project's time), so
// storage is not new per file: `reset` deletes every object and binding's data (D1 included)
// that the file before left behind, and the migrations are applied again.
import { applyD1Migrations, reset } from "cloudflare:test";
import { env } from "cloudflare:workers";

await reset();
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
