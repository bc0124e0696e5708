import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the one fake server's test routes on 127.0.0.1 (`<server>/__test`, apps/demo/server/testing). */
    testServerUrl: string;
    /** Base URL of the same server's demo routes (apps/demo/server; the API is under `/v1`), unpaced. */
    demoServerUrl: string;
  }
}
