import { defineConfig } from "prisma/config";

// Only `prisma generate` uses this file; migrations run through src/store/migrate.ts (WASM engine).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
