#!/usr/bin/env node
// `pnpm pack:packages`: a clean build of @oaikit/core, @oaikit/sessions and @oaikit/react, then
// `pnpm pack` of each into dist-packages/ (oaikit-core-<version>.tgz, oaikit-sessions-<version>.tgz,
// oaikit-react-<version>.tgz), the tarballs that
// `npm publish <tarball>` would upload. pnpm pack turns `workspace:` ranges into real versions (npm
// pack would not); this script fails if one is left. Prints one tarball path per line at the end.
//
//   node scripts/pack-packages.mjs [--out-dir <dir>] [--no-build]
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The packages to publish, in dependency order. */
export const packageDirs = ["packages/core", "packages/sessions", "packages/react"];

/** pnpm, as the calling pnpm runs it (npm_execpath), else the one on PATH. */
function pnpm(args, cwd) {
  const execpath = process.env.npm_execpath;
  const [cmd, pre] =
    execpath && /pnpm\.(c?js|mjs)$/.test(execpath) ? [process.execPath, [execpath]] : ["pnpm", []];
  return execFileSync(cmd, [...pre, ...args], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
}

/**
 * Builds (from an empty dist/, so no stale file is packed) and packs every package.
 * @returns {string[]} absolute paths of the tarballs, in the order of `packageDirs`
 */
export function packPackages({ outDir = join(root, "dist-packages"), build = true } = {}) {
  if (build) {
    for (const dir of packageDirs) rmSync(join(root, dir, "dist"), { recursive: true, force: true });
    for (const dir of packageDirs) pnpm(["run", "build"], join(root, dir));
  }
  mkdirSync(outDir, { recursive: true });
  const tarballs = [];
  for (const dir of packageDirs) {
    const out = pnpm(["pack", "--pack-destination", outDir], join(root, dir));
    const tarball = out
      .trim()
      .split("\n")
      .map((line) => line.trim())
      .findLast((line) => line.endsWith(".tgz"));
    if (!tarball) throw new Error(`no tarball in the output of pnpm pack in ${dir}:\n${out}`);
    const manifest = execFileSync("tar", ["xzOf", tarball, "package/package.json"], { encoding: "utf8" });
    if (manifest.includes("workspace:"))
      throw new Error(`${tarball} still has a workspace: range:\n${manifest}`);
    tarballs.push(resolve(tarball));
  }
  return tarballs;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== "--"),
    options: { "out-dir": { type: "string" }, "no-build": { type: "boolean", default: false } },
  });
  const tarballs = packPackages({
    ...(values["out-dir"] ? { outDir: resolve(values["out-dir"]) } : {}),
    build: !values["no-build"],
  });
  for (const tarball of tarballs) console.log(relative(process.cwd(), tarball) || tarball);
}
