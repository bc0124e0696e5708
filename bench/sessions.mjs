// Session scaling figures come from the sessions engineer's Chromium bench
// (`pnpm --filter @oaikit/sessions bench:sessions`, which writes packages/sessions/bench/results.json).
// This runs it when it exists and reads what it wrote; it never invents figures.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkgPath = `${root}packages/sessions/package.json`;
const resultsPath = `${root}packages/sessions/bench/results.json`;

/**
 * How to call pnpm from inside a pnpm script: through Node when npm_execpath is a JS file, else the
 * `pnpm` on PATH (pnpm 12's npm_execpath can be a native binary, which Node cannot run).
 */
export function pnpmCommand() {
  const execpath = process.env.npm_execpath ?? "";
  return /\.(c|m)?js$/.test(execpath) ? [process.execPath, execpath] : ["pnpm"];
}

/** Runs a command, echoing nothing, with a hard time limit; resolves { code, output, stdout }. */
function run(cmd, args, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: process.env });
    let output = "";
    let stdout = "";
    child.stdout.on("data", (d) => {
      output += d;
      stdout += d;
    });
    child.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output, stdout });
    });
  });
}

/**
 * @returns {Promise<{ status: "ok" | "missing" | "failed", message: string, results?: unknown,
 *   writtenAt?: Date }>}
 */
export async function runSessionsBench({ timeoutMs = 150_000 } = {}) {
  const pkg = JSON.parse(readFileSync(pkgPath, "utf8"));
  if (!pkg.scripts?.["bench:sessions"]) {
    return { status: "missing", message: "@oaikit/sessions has no `bench:sessions` script yet." };
  }
  const started = Date.now();
  const pnpm = pnpmCommand();
  const { code, output } = await run(
    pnpm[0],
    [...pnpm.slice(1), "--filter", "@oaikit/sessions", "bench:sessions"],
    timeoutMs,
  );
  const fresh = existsSync(resultsPath) && statSync(resultsPath).mtimeMs >= started;
  if (code !== 0 || !fresh) {
    // The message lines, not the stack frames under them.
    const lines = output
      .trim()
      .split("\n")
      .filter((line) => !/^\s+at /.test(line) && line.trim());
    const tail = lines.slice(-8).join("\n");
    return {
      status: "failed",
      message: `\`bench:sessions\` ${code === 0 ? "did not write results.json" : `exited with ${code}`}:\n${tail}`,
    };
  }
  return {
    status: "ok",
    message: `from packages/sessions/bench/results.json (${((Date.now() - started) / 1000).toFixed(0)} s)`,
    results: JSON.parse(readFileSync(resultsPath, "utf8")),
  };
}

/**
 * The sync server's work per push (packages/sessions/bench/sync-merge.mjs: merge time at 10k, 50k and 100k
 * records, another user's latency during the largest push), its printed lines as they are.
 * @returns {Promise<{ status: "ok" | "failed", message: string, lines?: string[] }>}
 */
export async function runSyncBench({ timeoutMs = 300_000 } = {}) {
  const script = "packages/sessions/bench/sync-merge.mjs";
  const started = Date.now();
  const { code, output, stdout } = await run(process.execPath, [`${root}${script}`], timeoutMs);
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  if (code !== 0) {
    const lines = output
      .trim()
      .split("\n")
      .filter((line) => !/^\s+at /.test(line) && line.trim());
    return {
      status: "failed",
      message: `\`node ${script}\` exited with ${code}:\n${lines.slice(-8).join("\n")}`,
    };
  }
  return {
    status: "ok",
    message: `\`node ${script}\` (${seconds} s)`,
    lines: stdout.replace(/\s+$/, "").split("\n"),
  };
}

/**
 * Where the session-overhead bench may live (durable session vs bare stream, 40,000 chunks and 20,000
 * tool-call deltas; written by the sessions engineer): the path issue 10 names first.
 */
const OVERHEAD_SCRIPTS = ["bench/session-overhead.mjs", "packages/sessions/bench/session-overhead.mjs"];

/**
 * Runs the session-overhead bench when its script exists (`node <script>`, stdout captured) and
 * returns its printed lines as they are; "not available" otherwise. It never invents figures.
 * @returns {Promise<{ status: "ok" | "missing" | "failed", message: string, script?: string, lines?: string[] }>}
 */
export async function runSessionOverhead({ timeoutMs = 300_000 } = {}) {
  const script = OVERHEAD_SCRIPTS.find((path) => existsSync(`${root}${path}`));
  if (!script) {
    return {
      status: "missing",
      message: `not available: no ${OVERHEAD_SCRIPTS.join(" or ")} in this checkout yet.`,
    };
  }
  const started = Date.now();
  const { code, output, stdout } = await run(process.execPath, [`${root}${script}`], timeoutMs);
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  if (code !== 0) {
    const lines = output
      .trim()
      .split("\n")
      .filter((line) => !/^\s+at /.test(line) && line.trim());
    return {
      status: "failed",
      script,
      message: `\`node ${script}\` exited with ${code}:\n${lines.slice(-8).join("\n")}`,
    };
  }
  return {
    status: "ok",
    script,
    message: `\`node ${script}\` (${seconds} s)`,
    lines: stdout.replace(/\s+$/, "").split("\n"),
  };
}
