#!/usr/bin/env node
// Package checks on what would be published: `pnpm pack` of @oaikit/core, @oaikit/sessions and
// @oaikit/react, then
//  - publint (strict: warnings count) on each tarball;
//  - @arethetypeswrong/cli on each tarball, profile "esm-only" (the packages are ESM only, so the
//    CommonJS and node10 resolutions are out of scope; every ESM and bundler resolution must be clean);
//  - the packed manifest has no `workspace:` ranges left;
//  - the import graph of each main entry (the unpacked dist/index.js, its dependencies included)
//    reaches no Node built-in: only @oaikit/core/node may import `node:` modules, and a positive control
//    checks that the walk does see the ones in @oaikit/core/node;
//  - optional peer dependencies are reached only from the entries allowed to use them
//    (@streamparser/json, the partial-JSON parser, from @oaikit/core/structured alone).
// Needs `pnpm run build` first. Ends with one plain `N passed, N failed` line.
import { execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const packages = [
  {
    name: "@oaikit/core",
    dir: "packages/core",
    deps: ["ky", "eventsource-parser", "@streamparser/json"],
    // Optional peers, and the only subpaths whose import graph may reach them.
    optionalPeers: { "@streamparser/json": ["./structured"] },
  },
  { name: "@oaikit/sessions", dir: "packages/sessions", deps: ["idb-keyval"] },
  // React is a peer dependency: linked here as an app would have it.
  { name: "@oaikit/react", dir: "packages/react", deps: ["react"] },
];
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

const results = [];
async function check(name, fn) {
  try {
    const detail = await fn();
    results.push({ name, ok: true });
    console.log(`  ✓ ${name}${detail ? ` (${detail})` : ""}`);
  } catch (error) {
    results.push({ name, ok: false });
    console.log(`  ✗ ${name}\n      ${String(error?.message ?? error).replaceAll("\n", "\n      ")}`);
  }
}

/** Runs a Node CLI from node_modules with this Node; returns its exit code and output. */
function runCli(script, args) {
  const run = spawnSync(process.execPath, [join(root, "node_modules", script), ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    timeout: 120_000,
  });
  return { code: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}

/** pnpm, as the test command runs it (npm_execpath), else the one on PATH. */
function pnpm(args, cwd) {
  const execpath = process.env.npm_execpath;
  const [cmd, pre] =
    execpath && /pnpm\.(c?js|mjs)$/.test(execpath) ? [process.execPath, [execpath]] : ["pnpm", []];
  return execFileSync(cmd, [...pre, ...args], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/**
 * Walks the import graph from `entry` with esbuild's resolver (browser-neutral conditions: "import",
 * "default"), following relative imports and dependencies, and returns every Node built-in it imports.
 */
async function nodeImports(entry, nodePaths) {
  const found = [];
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    platform: "neutral",
    format: "esm",
    mainFields: ["module", "main"],
    conditions: ["import", "default"],
    nodePaths,
    logLevel: "silent",
    plugins: [
      {
        name: "record-node-builtins",
        setup(b) {
          b.onResolve({ filter: /.*/ }, (args) => {
            if (!builtins.has(args.path)) return undefined;
            found.push(`${args.path} (imported by ${relative(dirname(entry), args.importer)})`);
            return { path: args.path, external: true };
          });
        },
      },
    ],
  });
  const inputs = Object.keys(result.metafile.inputs);
  return { found, files: inputs.length, inputs };
}

for (const pkg of packages) {
  if (!existsSync(join(root, pkg.dir, "dist/index.js"))) {
    console.error(`${pkg.dir}/dist is missing: run \`pnpm run build\` first.`);
  }
}

const work = mkdtempSync(join(tmpdir(), "oaikit-package-checks-"));
try {
  // Pack them all, then unpack them as an installed node_modules tree, with their dependencies linked in.
  const modules = join(work, "node_modules");
  mkdirSync(join(modules, "@oaikit"), { recursive: true });
  const tarballs = {};
  for (const pkg of packages) {
    console.log(`\n${pkg.name}`);
    await check("pnpm pack", () => {
      const out = pnpm(["pack", "--pack-destination", work], join(root, pkg.dir));
      const tarball = out
        .trim()
        .split("\n")
        .map((l) => l.trim())
        .find((l) => l.endsWith(".tgz"));
      if (!tarball || !existsSync(tarball)) throw new Error(`no tarball in the output of pnpm pack:\n${out}`);
      tarballs[pkg.name] = tarball;
      const target = join(modules, pkg.name);
      mkdirSync(target, { recursive: true });
      execFileSync("tar", ["xzf", tarball, "-C", target, "--strip-components=1"]);
      for (const dep of pkg.deps) {
        const link = join(modules, dep);
        mkdirSync(dirname(link), { recursive: true });
        if (!existsSync(link)) symlinkSync(realpathSync(join(root, pkg.dir, "node_modules", dep)), link);
      }
      return relative(work, tarball);
    });
    const tarball = tarballs[pkg.name];
    if (!tarball) continue;

    await check("publint --strict", () => {
      const { code, output } = runCli("publint/src/cli.js", ["run", tarball, "--strict"]);
      if (code !== 0 || !output.includes("All good!")) throw new Error(output);
    });

    await check("arethetypeswrong (esm-only profile)", () => {
      const { code, output } = runCli("@arethetypeswrong/cli/dist/index.js", [
        tarball,
        "--profile",
        "esm-only",
        "--format",
        "json",
      ]);
      const report = JSON.parse(output.slice(output.indexOf("{")));
      // The JSON lists every problem; the esm-only profile leaves out the node10 and node16-cjs ones.
      const problems = (report.analysis?.problems ?? []).filter(
        (p) => !["node10", "node16-cjs"].includes(p.resolutionKind),
      );
      if (code !== 0 || problems.length) {
        throw new Error(`exit ${code}: ${JSON.stringify(problems.slice(0, 5), null, 1)}`);
      }
      return `${Object.keys(report.analysis.entrypoints).join(", ")} resolve in node16-esm and bundler`;
    });

    await check("packed package.json has no workspace: ranges", () => {
      const manifest = readFileSync(join(modules, pkg.name, "package.json"), "utf8");
      if (manifest.includes("workspace:")) throw new Error(manifest);
    });
  }

  // The import graphs, on the unpacked tarballs (so a file missing from `files` fails here too).
  console.log("\nimport graphs of the published entries");
  const nodePaths = [modules];
  for (const pkg of packages) {
    // Every entry a browser, Deno or Worker may import: all of `exports` but `./node`.
    const manifest = JSON.parse(readFileSync(join(modules, pkg.name, "package.json"), "utf8"));
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      if (subpath === "./node" || typeof target !== "object") continue;
      const file = target.default;
      const peers = pkg.optionalPeers ? "; optional peers only where allowed" : "";
      await check(
        `${pkg.name}${subpath.slice(1)} (${file.slice(2)}): no Node built-in import${peers}`,
        async () => {
          const { found, files, inputs } = await nodeImports(join(modules, pkg.name, file), nodePaths);
          if (found.length) throw new Error(`imports Node built-ins:\n${found.join("\n")}`);
          for (const [peer, allowed] of Object.entries(pkg.optionalPeers ?? {})) {
            const reached = inputs.some((input) => input.includes(`node_modules/${peer}/`));
            if (reached && !allowed.includes(subpath)) {
              throw new Error(
                `reaches the optional peer ${peer}, which only ${allowed.join(", ")} may import`,
              );
            }
            if (!reached && allowed.includes(subpath)) {
              throw new Error(`does not reach ${peer}: the optional-peer check would prove nothing`);
            }
          }
          return `${files} files walked, dependencies included`;
        },
      );
    }
  }
  await check("@oaikit/core/node (dist/node.js) is where node: imports live (positive control)", async () => {
    const { found } = await nodeImports(join(modules, "@oaikit/core/dist/node.js"), nodePaths);
    if (!found.some((f) => f.startsWith("node:")))
      throw new Error("the walk found no node: import in node.js");
    return found.map((f) => f.split(" ")[0]).join(", ");
  });
  await check("the walk fails on a missing file (a published entry importing an unpacked path)", async () => {
    // A copy of core with one dist file removed: the walk must report it, not skip it.
    const broken = join(work, "broken");
    cpSync(join(modules, "@oaikit/core"), broken, { recursive: true });
    rmSync(join(broken, "dist/errors/errors.js"));
    const failed = await nodeImports(join(broken, "dist/index.js"), nodePaths).then(
      () => false,
      () => true,
    );
    if (!failed) throw new Error("esbuild resolved a file that is not there");
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}

const passed = results.filter((r) => r.ok).length;
console.log(`\n${passed} passed, ${results.length - passed} failed`);
process.exit(results.length - passed > 0 || passed === 0 ? 1 : 0);
