import type { TestProject } from "vitest/node";
import { startDemoServer } from "../apps/demo/server/index.ts";
import "./server/routes.js";
import { startTestServer } from "./server/index.js";

/**
 * Starts the shared fault-injecting test server on 127.0.0.1 for every project, and the demo server
 * (apps/demo/server, the deterministic OpenAI-compatible one) with no pacing.
 */
export default async function setup(project: TestProject) {
  const server = await startTestServer();
  const demo = await startDemoServer({ delayMs: 0 });
  project.provide("testServerUrl", server.url);
  project.provide("demoServerUrl", demo.url);
  return async () => {
    await Promise.all([server.close(), demo.close()]);
  };
}
