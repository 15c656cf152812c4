import { defineConfig } from "drizzle-kit";

// `npm run db:generate` writes a new SQL migration into migrations/ from the drizzle schema.
export default defineConfig({
  dialect: "sqlite",
  schema: "./worker/storage/schema.ts",
  out: "./migrations",
});
