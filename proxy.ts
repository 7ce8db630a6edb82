/**
 * The pages' Content-Security-Policy, with a fresh nonce per request: only scripts that carry it run (Next.js puts
 * it on its own scripts when it renders the page, the root layout on the theme script), and what they load is
 * trusted through 'strict-dynamic'. Injected markup, were any to get past React's escaping, runs nothing.
 *
 * Styles: style elements need the nonce too, but style attributes are allowed ('unsafe-inline' for attributes
 * only): React writes `style={...}` props into the server-rendered HTML as attributes (the login form, the
 * virtual list's row positions), and an attribute cannot carry a nonce.
 *
 * The API (/api and the Logging Aggregator's /hosts) and /stream are not pages: they keep the static policy of
 * next.config.mjs, which allows nothing.
 *
 * Trailing slashes: Next.js's own redirect from `/x/` to `/x` is off (next.config.mjs), because the Logging
 * Aggregator's clients call `/hosts/` and `/hosts/<host>/` and a redirect would make them send their token twice,
 * or lose it on a client that drops Authorization when redirected. The API answers both forms; pages keep the
 * redirect, made here.
 */
import { randomBytes } from "node:crypto";
import { NextResponse, type NextRequest } from "next/server";

function contentSecurityPolicy(nonce: string, dev: boolean): string {
  return [
    "default-src 'self'",
    // Development only: React rebuilds server error stacks with eval, and hot reloading injects style elements.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' ${dev ? "'unsafe-inline'" : `'nonce-${nonce}'`}`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  if (pathname.length > 1 && pathname.endsWith("/")) {
    // A plain URL: NextURL puts back the trailing slash the request had.
    const url = new URL(pathname.replace(/\/+$/, "") || "/", request.url);
    url.search = request.nextUrl.search;
    return NextResponse.redirect(url, 308);
  }
  const nonce = randomBytes(16).toString("base64");
  const policy = contentSecurityPolicy(nonce, process.env.NODE_ENV === "development");
  // Next.js reads the nonce from the request's policy while rendering; the layout reads x-nonce.
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!api/|hosts/|hosts$|stream$|_next/static/|_next/image|favicon\\.ico).*)",
      // Prefetches fetch no HTML, so there is no script to allow.
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
