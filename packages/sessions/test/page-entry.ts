// Bundled by test/serve-page.mjs for the Playwright specs and the benchmark: the package, idb-keyval, the
// core client and `openIt(id, options)` (openChatSession with a client of this origin) on `window`.
import { OpenAI } from "@oaikit/core";
import * as idb from "idb-keyval";
import * as sessions from "../src/index.js";

const client = new OpenAI("sk-e2e-secret", { baseURL: `${location.origin}/v1`, maxRetries: 0 });
const openIt = (id: string, extra: Partial<sessions.OpenChatSessionOptions> = {}) =>
  sessions.openChatSession(client, { id, ...extra });

Object.assign(globalThis, { sessions, idb, OpenAI, openIt });
