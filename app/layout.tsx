import { headers } from "next/headers";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata = { title: "alco", description: "grep and less for the logs of distributed systems" };

// Applied before the first paint so a dark-theme user never sees a white flash.
const themeScript = `try{var t=localStorage.getItem("alco-theme")||(matchMedia("(prefers-color-scheme: dark)").matches?"dark":"light");document.documentElement.dataset.theme=t}catch(e){}`;

/**
 * Reading the request's nonce (proxy.ts) renders every page per request, as a nonce needs: a page built ahead of
 * time would carry scripts without it, and the Content-Security-Policy would block them all.
 */
export default async function RootLayout({ children }: { children: ReactNode }) {
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body>{children}</body>
    </html>
  );
}
