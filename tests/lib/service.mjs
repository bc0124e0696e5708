// Starting a local service for a test (Prism, wrangler): a free port on 127.0.0.1, a child process
// whose output is kept for error messages, a bounded wait until it answers, and a stop that ends it by
// its own pid (SIGTERM, then SIGKILL after 5 s) and waits for it to exit.
import { spawn } from "node:child_process";
import { createServer } from "node:net";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A port that is free on 127.0.0.1 right now. */
export async function freePort() {
  const server = createServer();
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

/**
 * Spawns `command args` (in `cwd`, with `env`) and waits until `readyUrl` answers any HTTP response (every `interval` ms, at
 * most `timeoutMs`). Throws with the service's output when it exits early or is not ready in time.
 * Returns `{ child, stop(), log() }`.
 */
export async function startService({ name, command, args, cwd, env, readyUrl, timeoutMs, interval = 250 }) {
  const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout.on("data", (d) => {
    log += d;
  });
  child.stderr.on("data", (d) => {
    log += d;
  });
  const exited = new Promise((r) => child.on("exit", r));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const done = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
    if (!done) {
      child.kill("SIGKILL");
      await exited;
    }
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${log}`);
    try {
      await fetch(readyUrl, { signal: AbortSignal.timeout(1_000) });
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`${name} was not ready within ${timeoutMs / 1000} s:\n${log.slice(-3000)}`);
      }
      await sleep(interval);
    }
  }
  return { child, stop, log: () => log };
}
