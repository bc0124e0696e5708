import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the shared test server on 127.0.0.1 (tests/server). */
    testServerUrl: string;
  }
}
