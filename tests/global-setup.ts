import type { TestProject } from "vitest/node";
import "./server/routes.js";
import { startTestServer } from "./server/index.js";

/** Starts the shared fault-injecting test server on 127.0.0.1 for every project. */
export default async function setup(project: TestProject) {
  const server = await startTestServer();
  project.provide("testServerUrl", server.url);
  return () => server.close();
}
