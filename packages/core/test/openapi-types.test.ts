// The generated API types (src/types/openapi.ts) are what OpenAI's OpenAPI document gives today:
// regenerating them from test/contract/openai.openapi.yaml changes nothing. When this fails, run
// `pnpm gen:types` and commit the result.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const root = fileURLToPath(new URL("../../..", import.meta.url));

test("src/types/openapi.ts is up to date with the OpenAPI document", { timeout: 60_000 }, () => {
  const run = spawnSync(process.execPath, ["scripts/generate-openapi-types.mjs", "--check"], {
    cwd: root,
    encoding: "utf8",
  });
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
});
