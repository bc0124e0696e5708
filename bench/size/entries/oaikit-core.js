// The whole of @oaikit/core's main entry, nothing tree-shaken away.
export * from "../../../packages/core/dist/index.js";
