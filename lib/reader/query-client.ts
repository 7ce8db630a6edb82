import { QueryClient } from "@tanstack/react-query";

/** One QueryClient per browser tab; a fresh one per server render. */
export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Logs do not change under a given query and range; re-asking within seconds only costs the engine.
        staleTime: 10_000,
        refetchOnWindowFocus: false,
        retry: (count, err) =>
          count < 2 && !(err instanceof Error && "status" in err && (err as { status: number }).status < 500),
      },
    },
  });
}

let browserClient: QueryClient | undefined;

export function getQueryClient(): QueryClient {
  if (typeof window === "undefined") return makeQueryClient();
  browserClient ??= makeQueryClient();
  return browserClient;
}
