import { defineConfig } from "vite";

/**
 * The React example, on the built packages (`pnpm build` first). `base: "./"` lets the built page be
 * served from any folder (the test suite serves it from the fake server's test pages).
 */
export default defineConfig({
  base: "./",
  clearScreen: false,
  server: { host: "127.0.0.1" },
  build: { target: "es2022" },
});
