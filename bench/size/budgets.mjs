// Runs the size-limit budgets (size-limit.config.mjs) one check at a time, so a check whose entry
// does not build still leaves the other checks' figures.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { cases } from "./cases.mjs";

const configPath = fileURLToPath(new URL("./size-limit.config.mjs", import.meta.url));
const bin = fileURLToPath(new URL("../../node_modules/size-limit/bin.js", import.meta.url));

/** One check through size-limit's CLI: { passed, size } or { passed: false, error }. */
function runCheck(id) {
  const run = spawnSync(process.execPath, [bin, "--config", configPath, "--json"], {
    encoding: "utf8",
    env: { ...process.env, SIZE_LIMIT_ONLY: id },
  });
  try {
    const parsed = JSON.parse(run.stdout);
    if (Array.isArray(parsed) && parsed[0]) return { passed: parsed[0].passed, size: parsed[0].size };
    return { passed: false, error: String(parsed.error ?? "no result").split("\n")[0] };
  } catch {
    return {
      passed: false,
      error: (run.stderr || run.stdout || "size-limit printed nothing").trim().split("\n")[0],
    };
  }
}

/** Every budget in cases.mjs, checked: { id, label, limit and target (bytes), size?, passed, error? }. */
export function checkBudgets() {
  return cases
    .filter((item) => item.budget)
    .map((item) => ({
      id: item.id,
      label: item.budgetLabel ?? item.label,
      limit: item.budget,
      target: item.target,
      ...runCheck(item.id),
    }));
}
