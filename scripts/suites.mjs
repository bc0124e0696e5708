// Every suite `pnpm test` runs, in order. Each is a command; see test-all.mjs for how it is counted.
const pnpm =
  process.env.npm_execpath?.endsWith(".cjs") || process.env.npm_execpath?.endsWith(".js")
    ? [process.execPath, process.env.npm_execpath]
    : ["pnpm"];

export const suites = [
  { name: "chromium-present", cmd: ["bash", "scripts/ensure-chromium.sh"] },
  { name: "build", cmd: [...pnpm, "run", "build"] },
  { name: "typecheck", cmd: [...pnpm, "run", "typecheck"] },
  { name: "lint", cmd: [...pnpm, "exec", "biome", "ci", "."] },
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
];
