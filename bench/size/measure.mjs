// Bundle sizes: esbuild (browser ESM, minified), then raw, gzip (level 9) and brotli (quality 11)
// with node:zlib, the same compressors and levels as size-limit's file plugin.
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { build } from "esbuild";
import { cases, esbuildOptions } from "./cases.mjs";

/** Builds one case in memory; returns its sizes, or the build error as `error`. */
async function measureOne(item) {
  try {
    const result = await build({
      ...esbuildOptions,
      entryPoints: [item.file],
      external: item.external ?? [],
      write: false,
      logLevel: "silent",
    });
    const code = result.outputFiles[0].contents;
    return {
      ...item,
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
