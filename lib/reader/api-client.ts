/** The reader's calls to the API. Every failure becomes an ApiFailure carrying the API's own message. */
import type { ContextResult, Facets, GrepResult, Histogram } from "@/lib/query/wire";
import type { SavedSearch } from "@/lib/saved-searches/schema";

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function getJson<T>(url: string, signal?: AbortSignal, init?: RequestInit): Promise<T> {
  const res = await fetch(url, {
    ...init,
    signal,
    headers: { accept: "application/json", ...init?.headers },
  });
  if (res.status === 204) return undefined as T;
  const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (!res.ok) {
    throw new ApiFailure(
      res.status,
      body?.error?.code ?? "error",
      body?.error?.message ?? `request failed with ${res.status}`,
    );
  }
  return body as T;
}

const api = (logger: string, path = "") => `/api/grep/${encodeURIComponent(logger)}${path}`;

export function fetchPage(logger: string, params: URLSearchParams, signal?: AbortSignal) {
  return getJson<GrepResult>(`${api(logger)}?${params}`, signal);
}

export function fetchHistogram(logger: string, params: URLSearchParams, signal?: AbortSignal) {
  return getJson<Histogram>(`${api(logger, "/histogram")}?${params}`, signal);
}

export function fetchFacets(logger: string, params: URLSearchParams, signal?: AbortSignal) {
  return getJson<Facets>(`${api(logger, "/facets")}?${params}`, signal);
}

export function fetchContext(logger: string, params: URLSearchParams, signal?: AbortSignal) {
  return getJson<ContextResult>(`${api(logger, "/context")}?${params}`, signal);
}

export function exportUrl(logger: string, params: URLSearchParams, format: "ndjson" | "text") {
  const p = new URLSearchParams(params);
  p.set("format", format);
  return `${api(logger, "/export")}?${p}`;
}

export function fetchSavedSearches(index: string, signal?: AbortSignal) {
  return getJson<{ savedSearches: SavedSearch[] }>(
    `/api/saved-searches?index=${encodeURIComponent(index)}`,
    signal,
  );
}

export function createSavedSearch(input: Omit<SavedSearch, "id">) {
  return getJson<SavedSearch>("/api/saved-searches", undefined, {
    method: "POST",
    body: JSON.stringify(input),
    headers: { "content-type": "application/json" },
  });
}

export function deleteSavedSearch(id: number) {
  return getJson<void>(`/api/saved-searches/${id}`, undefined, { method: "DELETE" });
}

/** The live tail's event stream (docs/API.md "Live tail"): the query's lines after `after`, as they arrive. */
export function liveUrl(logger: string, params: URLSearchParams, after: string) {
  const p = new URLSearchParams();
  const q = params.get("q");
  if (q) p.set("q", q);
  for (const f of params.getAll("filter")) p.append("filter", f);
  p.set("after", after);
  return `${api(logger, "/live")}?${p}`;
}
