/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The bundled local server's API base (`http://127.0.0.1:<port>/v1`), set by `pnpm demo`. */
  readonly VITE_OAIKIT_SERVER_URL?: string;
}
