/**
 * Where to go after signing in: `next` resolved against this origin, followed only if the origin is unchanged.
 * A prefix check is not enough: browsers read `\` as `/`, so `/\evil.example` is `//evil.example`, another host.
 */
const PLACEHOLDER_ORIGIN = "http://alco.invalid";

export function safeNext(next: string | null | undefined, origin: string = PLACEHOLDER_ORIGIN): string {
  if (!next) return "/";
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return "/";
  }
  if (url.origin !== new URL(origin).origin) return "/";
  return `${url.pathname}${url.search}${url.hash}`;
}
