/** Where a case sends its requests: the handler's base URL, and the fetch to use (default: the global one). */
export interface Target {
  url: string;
  fetch?: typeof fetch;
}
export declare const attacks: Record<string, (target: Target) => Promise<void>>;
export declare function client(url: string, token: string, fetchFn?: typeof fetch): unknown;
