// The README's "Structured outputs and tools" examples (each code block after a
// `<!-- demo-server: name.mjs -->` line), run as Node scripts against the demo server, importing
// @oaikit/core (its built dist, by the package's own name: run `pnpm build` first) and zod as an
// application would.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, inject, test } from "vitest";

const core = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const examples = [
  ...readFileSync(join(core, "README.md"), "utf8").matchAll(
    /<!-- demo-server: ([\w.-]+) -->\n```js\n([\s\S]*?)```/g,
  ),
].map((match) => ({ name: match[1] as string, code: match[2] as string }));
// Inside the package, so `@oaikit/core` resolves to this package (self-reference) and zod from the root.
const dir = mkdtempSync(join(core, ".readme-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(name: string): Promise<string> {
  const example = examples.find((e) => e.name === name);
  if (!example) throw new Error(`no <!-- demo-server: ${name} --> example in the README`);
  const file = join(dir, name);
  writeFileSync(file, example.code);
  const { stdout } = await promisify(execFile)(process.execPath, [file], {
    env: { ...process.env, OPENAI_BASE_URL: `${inject("demoServerUrl")}/v1`, OPENAI_API_KEY: "" },
    timeout: 20_000,
  });
  return stdout;
}

describe("README: structured outputs and tools", () => {
  test("the section has both examples", () => {
    expect(examples.map((e) => e.name)).toEqual(["structured.mjs", "tools.mjs"]);
  });

  test("structured.mjs: a typed answer, streamed partials, a refusal", async () => {
    const out = await run("structured.mjs");
    expect(out).toMatch(/^Lisbon -?\d+ sunny$/m);
    expect(out).toContain("{}\n{ city: 'Oslo' }\n");
    expect(out).toMatch(/city: 'Oslo', celsius: -?\d+, conditions: 'sunny'/);
    expect(out).toContain("refused: I'm sorry, but I can't help with that request.");
  });

  test("tools.mjs: parallel calls on the Responses API, a streamed run on a ChatSession", async () => {
    const out = await run("tools.mjs");
    expect(out).toContain("step 0: [ 'get_weather', 'get_time' ]");
    expect(out).toContain("answer The tools returned:");
    expect(out).toContain("12:00 in Paris");
    expect(out).toContain("12:00 in Rome");
    expect(out).toContain("user → assistant → tool → tool → assistant 2");
  });
});
