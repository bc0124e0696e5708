/** The server of one schedule: its base URLs (devices are spread over them), the fetch to use, a clean-up. */
export interface ModelTarget {
  urls: string[];
  fetch?: typeof fetch;
  close?: () => void | Promise<void>;
}
export declare const REGRESSIONS: unknown[][];
export declare function runSyncModel(options: {
  pkg: Record<string, unknown>;
  target: () => ModelTarget | Promise<ModelTarget>;
  runs: number;
  seed?: number;
  maxActions?: number;
}): Promise<string>;
