// A sync server for the browser spec (e2e/sync.spec.ts): createDenoSyncHandler over a local KV file on
// 127.0.0.1. Usage: deno run --unstable-kv --allow-net --allow-read --allow-write serve.ts <port> <kv file>
import { bearerAuthorizer, createDenoSyncHandler } from "../../dist/deno/index.js";

const TOKENS = { "tok-alice": "alice", "tok-alice-phone": "alice", "tok-bob": "bob" };
const [port, path] = Deno.args;
const kv = await Deno.openKv(path);
Deno.serve(
  { hostname: "127.0.0.1", port: Number(port), onListen: () => console.log(`sync server on ${port}`) },
  createDenoSyncHandler({ kv, authorize: bearerAuthorizer(TOKENS), basePath: "/sync" }),
);
