// Bundled by test/serve-page.mjs for the Playwright specs and the benchmark: the package, idb-keyval and
// the core client, on `window`.
import { OpenAI } from "@oaikit/core";
import * as idb from "idb-keyval";
import * as sessions from "../src/index.js";

Object.assign(globalThis, { sessions, idb, OpenAI });
