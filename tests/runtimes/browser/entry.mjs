// The smoke entry for Chromium: bundled by run.mjs (esbuild) with the built package, loaded into a
// blank page served from another origin than the API (so every call is a real CORS call), and run
// by Playwright through `window.runSmoke(baseURL)`.
import * as sdk from "../../../packages/core/dist/index.js";
import { runSmoke } from "../cases.mjs";

/** Runs the shared cases in this page. */
globalThis.runSmoke = (baseURL) =>
  runSmoke({ sdk, baseURL, runtime: "chromium", version: navigator.userAgent });
