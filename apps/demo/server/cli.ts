/**
 * Runs the demo server from a shell: `node apps/demo/server/cli.ts [--port 8787] [--host 127.0.0.1]
 * [--delay 15]`. Prints the base URL on its first line of output; Ctrl-C stops it.
 */
import { parseArgs } from "node:util";
import { startDemoServer } from "./index.ts";

// `pnpm run server -- --port 1` passes the "--" through: drop it.
const args = process.argv.slice(2);
if (args[0] === "--") args.shift();

const { values } = parseArgs({
  args,
  options: {
    port: { type: "string", default: "8787" },
    host: { type: "string", default: "127.0.0.1" },
    delay: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (values.help) {
  console.log(
    "Usage: node apps/demo/server/cli.ts [--port 8787] [--host 127.0.0.1] [--delay <ms per piece>]",
  );
  process.exit(0);
}

const port = Number(values.port);
const delayMs = values.delay === undefined ? undefined : Number(values.delay);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be an integer from 0 to 65535 (got "${values.port}").`);
  process.exit(2);
}
if (delayMs !== undefined && !(delayMs >= 0)) {
  console.error(`--delay must be a number of milliseconds >= 0 (got "${values.delay}").`);
  process.exit(2);
}

const server = await startDemoServer({
  port,
  host: values.host,
  ...(delayMs === undefined ? {} : { delayMs }),
});
console.log(`oaikit demo server: ${server.url}/v1`);

const stop = async () => {
  await server.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
