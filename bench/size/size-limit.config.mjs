// size-limit checks for `pnpm test` (bench/size/check.mjs runs them): the budgets in cases.mjs,
// gzip, bundled with the same esbuild options as the benchmark report.
import { cases, esbuildOptions } from "./cases.mjs";

// SIZE_LIMIT_ONLY=<id> keeps one check (check.mjs runs them one by one so one broken entry does
// not hide the others' figures).
const only = process.env.SIZE_LIMIT_ONLY;

export default cases
  .filter((item) => item.budget && (!only || item.id === only))
  .map((item) => ({
    name: item.id,
    path: item.file,
    limit: `${item.budget / 1000} kB`,
    gzip: true,
    ignore: item.external,
    modifyEsbuildConfig: (config) => ({ ...config, ...esbuildOptions }),
  }));
