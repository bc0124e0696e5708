// The whole of @oaikit/sessions (with idb-keyval); @oaikit/core is external: measured on top of core.
export * from "../../../packages/sessions/dist/index.js";
