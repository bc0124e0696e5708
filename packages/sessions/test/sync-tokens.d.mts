export declare const TOKENS: Record<string, string>;
