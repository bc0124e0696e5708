export declare const TOKENS: Record<string, string>;
export declare function authorizeForTests(request: Request): string | undefined;
