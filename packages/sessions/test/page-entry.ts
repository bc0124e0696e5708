// Bundled by test/page.ts for the Playwright specs: the package, idb-keyval, the core client and
// `openIt(id, options)` (openChatSession with a client of the API the page names, on this origin) on `window`.
import { OpenAI } from "@oaikit/core";
import * as idb from "idb-keyval";
import * as sessions from "../src/index.js";

/** The API's base URL, set by the page (test/page.ts). */
const baseURL = (globalThis as { OAIKIT_API?: string }).OAIKIT_API ?? `${location.origin}/v1`;
const client = new OpenAI("sk-e2e-secret", { baseURL, maxRetries: 0 });
const openIt = (id: string, extra: Partial<sessions.OpenChatSessionOptions> = {}) =>
  sessions.openChatSession(client, { id, ...extra });

Object.assign(globalThis, { sessions, idb, OpenAI, openIt });
