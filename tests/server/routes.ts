// Imports every route module of the shared test server. Each area registers its own routes in its own
// file (http-routes.ts, openai-routes.ts, ...) with `route(path, handler)`; add one import line here.
import "./http-routes.js";
import "./openai-routes.js";
import "./conformance-routes.js";
