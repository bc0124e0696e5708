/**
 * `pnpm demo`: the local OpenAI-compatible server and the page, together. Prints the page URL;
 * Ctrl-C stops both. Options: --port <page port> --server-port <port> --delay <ms per streamed piece>.
 */
import { parseArgs } from "node:util";
import { startDemo } from "./start-demo.ts";

const args = process.argv.slice(2);
if (args[0] === "--") args.shift();
const { values } = parseArgs({
  args,
  options: {
    port: { type: "string" },
    "server-port": { type: "string" },
    delay: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log("Usage: pnpm demo [-- --port 5173] [--server-port 8787] [--delay 15]");
  process.exit(0);
}
const number = (value: string | undefined, name: string) => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be a non-negative integer (got "${value}").`);
    process.exit(2);
  }
  return n;
};

const demo = await startDemo({
  ...(values.port ? { port: number(values.port, "port")! } : {}),
  ...(values["server-port"] ? { serverPort: number(values["server-port"], "server-port")! } : {}),
  ...(values.delay ? { delayMs: number(values.delay, "delay")! } : {}),
});
console.log(`\n  oaikit demo chat   ${demo.pageUrl}`);
console.log(`  local API server   ${demo.apiUrl}  (OpenAI-compatible, deterministic)\n`);
console.log("  Open the page in a browser. Press Ctrl-C to stop both servers.\n");

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await demo.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
