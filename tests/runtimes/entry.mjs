// The smoke entry for the runtimes that run a script from the command line: Node (20 and 24), Deno
// and Bun. It imports the built package by path (dist/, what is published), runs the shared cases
// against the URL given as the first argument and prints one `SMOKE_RESULT {json}` line for run.mjs.
import * as sdk from "../../packages/core/dist/index.js";
import { runSmoke } from "./cases.mjs";

const args = globalThis.Deno ? globalThis.Deno.args : globalThis.process.argv.slice(2);
const baseURL = args[0];
if (!baseURL)
  throw new TypeError("Usage: entry.mjs <smoke routes base URL, e.g. http://127.0.0.1:1234/__test/smoke/v1>");

const runtime = globalThis.Deno ? "deno" : globalThis.Bun ? "bun" : "node";
const version = globalThis.Deno
  ? globalThis.Deno.version.deno
  : globalThis.Bun
    ? globalThis.Bun.version
    : globalThis.process.version;

const report = await runSmoke({ sdk, baseURL, runtime, version });
console.log(`SMOKE_RESULT ${JSON.stringify(report)}`);
