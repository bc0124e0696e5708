import type { TestProject } from "vitest/node";
import { startDemoServer } from "../apps/demo/server/index.ts";

/**
 * Starts the one fake server (apps/demo/server) with its test routes on 127.0.0.1, unpaced, for every
 * project. Tests read the test routes' base URL (`<server>/__test`) through `inject("testServerUrl")`,
 * and the demo's own (its API under `/v1`) through `inject("demoServerUrl")`.
 */
export default async function setup(project: TestProject) {
  const server = await startDemoServer({ delayMs: 0, testRoutes: true });
  project.provide("testServerUrl", `${server.url}/__test`);
  project.provide("demoServerUrl", server.url);
  return () => server.close();
}
