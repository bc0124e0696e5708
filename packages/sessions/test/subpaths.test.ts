// The sync subpaths run in browsers, Deno and Workers: their import graphs (dependencies included) must
// reach no Node built-in. And the main entry must not carry any of them (it does not grow with sync).
import { builtinModules } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const src = join(dirname(fileURLToPath(import.meta.url)), "../src");
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

async function graph(entry: string) {
  const found: string[] = [];
  const result = await build({
    entryPoints: [join(src, entry)],
    bundle: true,
    write: false,
    metafile: true,
    platform: "neutral",
    format: "esm",
    mainFields: ["module", "main"],
    conditions: ["import", "default"],
    logLevel: "silent",
    plugins: [
      {
        name: "record-node-builtins",
        setup(b) {
          b.onResolve({ filter: /.*/ }, (args) => {
            if (!builtins.has(args.path)) return undefined;
            found.push(`${args.path} (from ${relative(src, args.importer)})`);
            return { path: args.path, external: true };
          });
        },
      },
    ],
  });
  return { found, inputs: Object.keys(result.metafile.inputs) };
}

describe("subpath entries", () => {
  for (const entry of ["sync/index.ts", "sync-server/index.ts", "deno/index.ts", "cloudflare/index.ts"]) {
    it(`${entry} imports no Node built-in`, async () => {
      const { found, inputs } = await graph(entry);
      expect(found).toEqual([]);
      expect(inputs.length).toBeGreaterThan(3);
    });
  }

  // The sync code is in two folders that never import each other's files: src/sync/ (the browser's) and
  // src/sync-server/ (the server's), both on src/sync-protocol/ (docs/ARCHITECTURE.md, "Sessions").
  it("the browser's sync entry carries none of the server's code", async () => {
    const { inputs } = await graph("sync/index.ts");
    expect(inputs.filter((f) => /\/src\/sync-server\//.test(f))).toEqual([]);
  });

  for (const entry of ["sync-server/index.ts", "deno/index.ts", "cloudflare/index.ts"]) {
    it(`${entry} carries none of the browser's sync code`, async () => {
      const { inputs } = await graph(entry);
      // rewriteChange (the browser's mirror step) is re-exported by /sync-server since its first version.
      const allowed = entry === "sync-server/index.ts" ? /\/src\/sync\/rewrite-change\.ts$/ : /^$/;
      expect(inputs.filter((f) => /\/src\/sync\//.test(f) && !allowed.test(f))).toEqual([]);
    });
  }

  it("the main entry imports none of the sync, Deno or Cloudflare code", async () => {
    const { found, inputs } = await graph("index.ts");
    expect(found).toEqual([]);
    expect(inputs.filter((f) => /\/src\/(sync|sync-server|sync-protocol|deno|cloudflare)\//.test(f))).toEqual(
      [],
    );
  });
});
