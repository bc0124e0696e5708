// The tool runner: the whole of @oaikit/core/tools on the lean client.
export { createClient } from "../../../packages/core/dist/index.js";
export * from "../../../packages/core/dist/tools/index.js";
