// The runtime globals that the Deno and Bun snippets of the docs use, declared as far as they use them,
// for the snippet test's type-check (Deno's and Bun's own type packages are not installed here). The
// snippets marked `deno` and `bun` are only type-checked; tests/runtimes runs the matching examples in
// the real runtimes.
declare const Deno: {
  env: { get(name: string): string | undefined };
  args: string[];
  stdout: { write(bytes: Uint8Array): Promise<number> };
  openKv(path?: string): Promise<import("@oaikit/sessions/deno").KvLike>;
  serve(handler: (request: Request) => Response | Promise<Response>): unknown;
};

declare const Bun: {
  env: Record<string, string | undefined>;
  argv: string[];
  serve(options: {
    port?: number;
    idleTimeout?: number;
    fetch(request: Request): Response | Promise<Response>;
  }): unknown;
};
