/**
 * Field names a filter can name (`field:value` in the query language and the API's `filter`): identifiers only,
 * because anything else would need quoting in the engine's JSON paths that we do not trust 2.2 to parse. Kept
 * free of imports so the reader's client components can use it.
 */
export const FIELD_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
