// What the bundle-size benchmark builds, and the budgets `pnpm test` enforces through size-limit.
// One list, read by both bench/size/measure.mjs (the report) and size-limit.config.mjs (the check),
// with the same esbuild options, so the report and the check cannot disagree.
import { fileURLToPath } from "node:url";

const entry = (name) => fileURLToPath(new URL(`./entries/${name}.js`, import.meta.url));

/** esbuild options for every bundle: what a browser app's production build does. */
export const esbuildOptions = {
  bundle: true,
  format: "esm",
  platform: "browser",
  minify: true,
  treeShaking: true,
  define: { "process.env.NODE_ENV": '"production"' },
};

/**
 * Every bundle: `group` is the table it belongs to; `external` leaves a dependency out (to measure a
 * package on top of another).
 *
 * Two numbers per oaikit bundle, both gzip bytes:
 * - `target`: the size issue 7 asks for (12 / 16 / 5 kB). Reported, and today missed: ky 2.1 and
 *   eventsource-parser alone are 10.8 kB gzip, which leaves 1.2 kB for oaikit under the 12 kB target.
 *   Meeting it needs a product decision (ky is the HTTP layer the design names), not a tweak.
 * - `budget`: what `pnpm test` enforces through size-limit: the measured size plus about 3 %, so any
 *   growth fails the suite and has to be argued for. Lower it whenever the bundle shrinks.
 */
export const cases = [
  {
    group: "stream",
    id: "oaikit-stream",
    label: "oaikit",
    file: entry("oaikit-stream"),
    budget: 28_400,
    target: 12_000,
    budgetLabel: "oaikit: one streaming chat call",
  },
  { group: "stream", id: "openai-stream", label: "openai (official)", file: entry("openai-stream") },
  { group: "stream", id: "ai-stream", label: "ai + @ai-sdk/openai", file: entry("ai-stream") },
  { group: "stream", id: "floor-ky", label: "floor: ky + eventsource-parser", file: entry("floor-ky") },
  {
    group: "stream",
    id: "floor-fetch",
    label: "floor: fetch + eventsource-parser",
    file: entry("floor-fetch"),
  },
  {
    group: "core",
    id: "oaikit-core",
    label: "oaikit (@oaikit/core)",
    file: entry("oaikit-core"),
    budget: 34_000,
    target: 16_000,
    budgetLabel: "oaikit: whole @oaikit/core",
  },
  { group: "core", id: "openai-core", label: "openai (official)", file: entry("openai-core") },
  { group: "core", id: "ai-core", label: "ai + @ai-sdk/openai", file: entry("ai-core") },
  {
    group: "sessions",
    id: "sessions",
    label: "@oaikit/sessions + idb-keyval, on top of core",
    file: entry("sessions"),
    external: ["@oaikit/core"],
    budget: 8_700,
    target: 5_000,
    budgetLabel: "@oaikit/sessions + idb-keyval, on top of core",
  },
];
