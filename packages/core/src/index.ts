export const VERSION = "0.1.0";
export * from "./errors.js";
export type * from "./types/index.js";
