import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Every entry of a workspace package (`@oaikit/core`, `@oaikit/core/stream`, ...) mapped to its source,
 * read from the package's `exports` (`./dist/x/y.js` is built from `./src/x/y.ts`), so the page runs
 * from a fresh clone without a build, whichever subpath a module imports.
 */
function sourceAliases(name: string, dir: string) {
  const manifest = JSON.parse(readFileSync(here(`${dir}/package.json`), "utf8"));
  return Object.entries(manifest.exports as Record<string, string | { default: string }>).flatMap(
    ([subpath, target]) => {
      if (typeof target !== "object") return [];
      const specifier = `${name}${subpath.slice(1)}`.replace(/[/]/g, "\\/");
      const source = target.default.replace(/^\.\/dist\//, "src/").replace(/\.js$/, ".ts");
      return [{ find: new RegExp(`^${specifier}$`), replacement: here(`${dir}/${source}`) }];
    },
  );
}

/**
 * The demo page. The SDK packages are used from source (no build step after `pnpm install`); the local
 * server's URL reaches the page as `import.meta.env.VITE_OAIKIT_SERVER_URL`, set by `pnpm demo`.
 */
export default defineConfig({
  root: here("."),
  clearScreen: false,
  resolve: {
    alias: [
      ...sourceAliases("@oaikit/core", "../../packages/core"),
      ...sourceAliases("@oaikit/sessions", "../../packages/sessions"),
    ],
  },
  server: { host: "127.0.0.1" },
  preview: { host: "127.0.0.1" },
  build: { target: "es2022", sourcemap: true },
});
