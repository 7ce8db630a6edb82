// Stands in for the `server-only` marker package under vitest, which has no React Server Components condition.
export {};
