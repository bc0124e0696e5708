import { playwright } from "@vitest/browser-playwright";
import { defineConfig } from "vitest/config";

/**
 * Test naming:
 *   *.test.ts          runs in Node only (may use node: built-ins)
 *   *.shared.test.ts   runs in Node AND in Chromium (same cases, both runtimes)
 *   *.browser.test.ts  runs in Chromium only (IndexedDB, BroadcastChannel, ...); .tsx for React
 * Every project gets the one fake server (apps/demo/server, test routes on) on 127.0.0.1 from
 * tests/global-setup.ts, read in tests through `inject("testServerUrl")` (`<server>/__test`).
 */
const chromiumFlags = [
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
  "--disable-gpu",
];

export default defineConfig({
  // Pre-bundle the packages' dependencies so the first Chromium run does not reload mid-test.
  // Vite resolves these names from the repository root, so only packages the root itself declares
  // belong here (ky and eventsource-parser are root devDependencies for the benchmarks). idb-keyval
  // is a dependency of @oaikit/sessions alone: named here it only printed "Failed to resolve
  // dependency"; the dependency scan of the test files finds it from packages/sessions instead.
  // The structured-output tests add the partial-JSON parser and the schema libraries they try; the
  // React hooks' tests (packages/react, *.browser.test.tsx) add React and vitest-browser-react.
  optimizeDeps: {
    include: [
      "ky",
      "eventsource-parser",
      "@streamparser/json",
      "zod",
      "valibot",
      "@valibot/to-json-schema",
      "arktype",
      "react",
      "react/jsx-runtime",
      "react/jsx-dev-runtime",
      "react-dom",
      "react-dom/client",
      "vitest-browser-react",
    ],
  },
  test: {
    globalSetup: ["./tests/global-setup.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "node",
          environment: "node",
          include: [
            "packages/*/src/**/*.test.ts",
            "packages/*/test/**/*.test.ts",
            "apps/*/server/**/*.test.ts",
          ],
          exclude: ["**/*.browser.test.ts", "**/node_modules/**"],
        },
      },
      {
        extends: true,
        test: {
          name: "chromium",
          include: [
            "packages/*/src/**/*.shared.test.ts",
            "packages/*/src/**/*.browser.test.ts",
            "packages/*/src/**/*.browser.test.tsx",
            "packages/*/test/**/*.shared.test.ts",
            "packages/*/test/**/*.browser.test.ts",
          ],
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: {
                executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
                args: chromiumFlags,
              },
            }),
            instances: [{ browser: "chromium" }],
          },
        },
      },
    ],
  },
});
