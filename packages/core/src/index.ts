export const VERSION = "0.1.0";
export * from "./errors.js";
export type { Hooks, RetryOptions, SendInit, TransportOptions } from "./http/transport.js";
export { send } from "./http/transport.js";
export type * from "./types/index.js";
