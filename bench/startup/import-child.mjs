// One cold import in a fresh process (spawned by bench/startup/run.mjs): imports one set of modules
// and prints the milliseconds from the first import to the last module evaluated, as JSON.
//   node import-child.mjs <set>
import { performance } from "node:perf_hooks";

const dist = new URL("../../packages/core/dist/", import.meta.url).href;

/** What each set imports; the order is the order a page's imports would load them in. */
const IMPORT_SETS = {
  // The baseline: the two libraries oaikit is built on, and nothing else.
  "ky+esp": ["ky", "eventsource-parser"],
  // oaikit's lean streaming path as an application imports it: createClient from the root entry and
  // the chat area module. In Node (no tree-shaking) the root entry evaluates everything it re-exports.
  "oaikit-lean": [`${dist}index.js`, `${dist}api/chat.js`],
  // The same two functions from their own modules: what the lean path itself needs to evaluate.
  "oaikit-direct": [`${dist}client/client.js`, `${dist}api/chat.js`],
  openai: ["openai"],
};

const set = process.argv[2];
const specifiers = IMPORT_SETS[set];
if (!specifiers) throw new TypeError(`unknown import set "${set}"`);
const t0 = performance.now();
for (const specifier of specifiers) await import(specifier);
const ms = performance.now() - t0;
process.stdout.write(`${JSON.stringify({ set, ms })}\n`);
