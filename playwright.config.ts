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
  // The JSON report is how scripts/test-all.mjs counts these tests.
  reporter: [["list"], ["json", { outputFile: "test-results/playwright.json" }]],
  use: {
    headless: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--disable-quic", "--disable-gpu"],
    },
  },
});
