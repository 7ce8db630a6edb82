/** The reader's calls to the API. Every failure becomes an ApiFailure carrying the API's own message. */
import { apiFetch } from "@/lib/client/api-fetch";
import type { ContextResult, Facets, GrepResult, Histogram, Suggestions } from "@/lib/query/wire";
import type { PatternsResult } from "@/lib/patterns/wire";
import type { SavedSearch } from "@/lib/saved-searches/schema";
import type { PublicAlert } from "@/lib/alerts/wire";

const api = (logger: string, path = "") => `/api/grep/${encodeURIComponent(logger)}${path}`;

export function fetchPage(logger: string, params: URLSearchParams, signal?: AbortSignal) {
  return apiFetch<GrepResult>(`${api(logger)}?${params}`, { signal });
}

export function fetchHistogram(logger: string, params: URLSearchParams, signal?: AbortSignal) {
  return apiFetch<Histogram>(`${api(logger, "/histogram")}?${params}`, { signal });
}

export function fetchFacets(logger: string, params: URLSearchParams, signal?: AbortSignal) {
  return apiFetch<Facets>(`${api(logger, "/facets")}?${params}`, { signal });
}

export function fetchPatterns(logger: string, params: URLSearchParams, signal?: AbortSignal) {
  return apiFetch<PatternsResult>(`${api(logger, "/patterns")}?${params}`, { signal });
}

export function fetchSuggestions(logger: string, params: URLSearchParams, signal?: AbortSignal) {
  return apiFetch<Suggestions>(`${api(logger, "/suggest")}?${params}`, { signal });
}

export function fetchContext(logger: string, params: URLSearchParams, signal?: AbortSignal) {
  return apiFetch<ContextResult>(`${api(logger, "/context")}?${params}`, { signal });
}

export function exportUrl(logger: string, params: URLSearchParams, format: "ndjson" | "text") {
  const p = new URLSearchParams(params);
  p.set("format", format);
  return `${api(logger, "/export")}?${p}`;
}

export function fetchSavedSearches(index: string, signal?: AbortSignal) {
  return apiFetch<{ savedSearches: SavedSearch[] }>(
    `/api/saved-searches?index=${encodeURIComponent(index)}`,
    {
      signal,
    },
  );
}

export function createSavedSearch(input: Omit<SavedSearch, "id">) {
  return apiFetch<SavedSearch>("/api/saved-searches", { method: "POST", body: input });
}

export function renameSavedSearch(id: number, name: string) {
  return apiFetch<SavedSearch>(`/api/saved-searches/${id}`, { method: "PATCH", body: { name } });
}

export function deleteSavedSearch(id: number) {
  return apiFetch<void>(`/api/saved-searches/${id}`, { method: "DELETE" });
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

/** The alerts the caller may see (docs/ADMIN.md "Alerts"): firing and recent, `firing` counting the active ones. */
export function fetchAlerts(signal?: AbortSignal) {
  return apiFetch<{ firing: number; alerts: PublicAlert[] }>("/api/alerts", { signal });
}

/** Clears one group's alert, or every firing alert of the rule when `group` is undefined. */
export function clearAlert(ruleId: number, group: string | null | undefined) {
  return apiFetch<{ cleared: PublicAlert[] }>(`/api/alerts/${ruleId}/clear`, {
    method: "POST",
    body: group === undefined || group === null ? {} : { group },
  });
}
