// Structured outputs: the whole of @oaikit/core/structured (with @streamparser/json, its optional peer)
// on the lean client.
export { createClient } from "../../../packages/core/dist/index.js";
export * from "../../../packages/core/dist/structured/index.js";
