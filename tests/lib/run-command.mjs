// Running a command to completion for a test runner: its output kept, and a deadline after which it
// is killed by its own pid (SIGKILL), so a hang fails a test instead of stalling the suite.
import { spawn } from "node:child_process";

/**
 * Runs `command args` in `cwd` with `env` (the whole environment: pass `process.env` to inherit).
 * Never rejects: a spawn error is appended to `stderr`.
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number }} options
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string, output: string, timedOut: boolean }>}
 *   `output` is both streams in the order they arrived.
 */
export function runCommand(command, args, { cwd, env, timeoutMs }) {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let output = "";
    let timedOut = false;
    child.stdout.on("data", (d) => {
      stdout += d;
      output += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
      output += d;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (error) => {
      stderr += String(error);
      output += String(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr, output, timedOut });
    });
  });
}
