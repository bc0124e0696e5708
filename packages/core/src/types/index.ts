export type * from "./chat.js";
export type * from "./endpoints.js";
export type * from "./responses.js";
