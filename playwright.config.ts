import { defineConfig } from "@playwright/test";

/**
 * End-to-end tests (the demo page, IndexedDB sessions across reloads and tabs) in Debian's
 * Chromium. Playwright never downloads a browser here: executablePath points at /usr/bin/chromium.
 */
export default defineConfig({
  testDir: ".",
  testMatch: ["apps/*/e2e/**/*.spec.ts", "packages/*/e2e/**/*.spec.ts"],
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: process.env.CI ? [["list"], ["json", { outputFile: "test-results/playwright.json" }]] : "list",
  use: {
    headless: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--disable-quic", "--disable-gpu"],
    },
  },
});
