import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The demo page. The SDK packages are used from source (no build step after `pnpm install`); the local
 * server's URL reaches the page as `import.meta.env.VITE_OAIKIT_SERVER_URL`, set by `pnpm demo`.
 */
export default defineConfig({
  root: here("."),
  clearScreen: false,
  resolve: {
    alias: [
      { find: /^@oaikit\/core$/, replacement: here("../../packages/core/src/index.ts") },
      { find: /^@oaikit\/sessions$/, replacement: here("../../packages/sessions/src/index.ts") },
      { find: /^@oaikit\/sessions\/sync$/, replacement: here("../../packages/sessions/src/sync/index.ts") },
    ],
  },
  server: { host: "127.0.0.1" },
  preview: { host: "127.0.0.1" },
  build: { target: "es2022", sourcemap: true },
});
