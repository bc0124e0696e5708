/**
 * The one fake server (apps/demo/server, test routes on) for the Node tests of one file that need it in
 * their own process: to script answers with a function, to read recorded requests as they arrive, or to
 * change a words model mid-test. Started before the file's tests, closed after them. Tests that only
 * need HTTP use the shared instance instead (`inject("testServerUrl")`, tests/global-setup.ts).
 */
import { afterAll, beforeAll } from "vitest";
import {
  type DemoServer,
  type Scenario,
  type ScenarioOptions,
  startDemoServer,
  type TestRoutes,
} from "../../apps/demo/server/index.ts";

export type {
  RecordedRequest,
  Scenario,
  ScenarioOptions,
  ScriptedAnswer,
} from "../../apps/demo/server/index.ts";

/** A scenario and where a client reaches it. */
export interface ServedScenario {
  scenario: Scenario;
  /** The scenario's root URL (no trailing slash); anything under it is answered. */
  url: string;
  /** `${url}/v1`: a client's baseURL. */
  baseURL: string;
}

/** The running server of this file. Read it inside tests and hooks (it starts in `beforeAll`). */
export interface OneServer {
  readonly url: string;
  readonly routes: TestRoutes;
  /** A new scenario (apps/demo/server/testing/scenarios.ts). */
  scenario(options?: ScenarioOptions & { respond?: Scenario["respond"] }): ServedScenario;
}

/** Starts a server for this test file (no streaming delay, any free port). */
export function useOneServer(): OneServer {
  let server: DemoServer | undefined;
  beforeAll(async () => {
    server = await startDemoServer({ port: 0, delayMs: 0, testRoutes: true });
  });
  afterAll(() => server?.close());
  const test = () => {
    if (!server?.test)
      throw new Error("useOneServer(): the server starts in beforeAll; use it inside a test");
    return server.test;
  };
  return {
    get url() {
      return test().url;
    },
    get routes() {
      return test().routes;
    },
    scenario(options) {
      const { url, routes } = test();
      const scenario = routes.scenarios.create(options);
      return { scenario, url: `${url}${scenario.path}`, baseURL: `${url}${scenario.path}/v1` };
    },
  };
}
