// Bundle sizes: esbuild (browser ESM, minified), then raw, gzip (level 9) and brotli (quality 11)
// with node:zlib, the same compressors and levels as size-limit's file plugin.
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { build } from "esbuild";
import { cases, esbuildOptions } from "./cases.mjs";

/** Where a bundled file comes from: its npm package, or its path under packages/. */
function origin(path) {
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(path);
  if (pkg) return pkg[1];
  const own = /packages\/([^/]+)\/dist\/(.+)$/.exec(path);
  return own ? `@oaikit/${own[1]}: ${own[2]}` : path;
}

/** Minified bytes per origin in the output, biggest first. */
function breakdown(metafile) {
  const output = Object.values(metafile.outputs)[0];
  const sums = new Map();
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    const key = origin(path);
    sums.set(key, (sums.get(key) ?? 0) + bytesInOutput);
  }
  return [...sums].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

/** Builds one case in memory; returns its sizes, or the build error as `error`. */
async function measureOne(item) {
  try {
    const result = await build({
      ...esbuildOptions,
      // A case is an entry file, or (the module cases) its source text.
      ...(item.contents
        ? { stdin: { contents: item.contents, resolveDir: process.cwd(), sourcefile: `${item.id}.js` } }
        : { entryPoints: [item.file] }),
      external: item.external ?? [],
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const code = result.outputFiles[0].contents;
    return {
      ...item,
      parts: breakdown(result.metafile),
      raw: code.length,
      gzip: gzipSync(code, { level: 9 }).length,
      brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    };
  } catch (error) {
    const first = error.errors?.[0]?.text ?? String(error.message ?? error);
    return { ...item, error: first };
  }
}

/** Every case in cases.mjs, measured. */
export async function measureSizes() {
  const out = [];
  for (const item of cases) out.push(await measureOne(item));
  return out;
}
