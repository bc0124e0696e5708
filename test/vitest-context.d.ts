import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the shared test server on 127.0.0.1 (test/server). */
    testServerUrl: string;
    /** Base URL of the demo server on 127.0.0.1 (apps/demo/server; the API is under `/v1`), unpaced. */
    demoServerUrl: string;
  }
}
