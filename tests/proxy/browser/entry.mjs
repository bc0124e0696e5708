// The proxy suite's page script (bundled by esbuild in ../run.mjs): the real client, and the cases.
import * as sdk from "../../../packages/core/dist/index.js";
import { runProxyCases } from "../cases.mjs";

globalThis.runProxyCases = (options) => runProxyCases({ sdk, ...options });
