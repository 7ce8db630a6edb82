/** Saved searches' sizes, for the API's schema and for the browser, which must not load zod (lib/server-only.test.ts). */
export const MAX_SAVED_SEARCH_NAME = 100;
export const MAX_SAVED_SEARCH_URL = 4096;
