import type { ReactNode } from "react";
import "./globals.css";

export const metadata = { title: "alco", description: "grep and less for the logs of distributed systems" };

// Applied before the first paint so a dark-theme user never sees a white flash.
const themeScript = `try{var t=localStorage.getItem("alco-theme")||(matchMedia("(prefers-color-scheme: dark)").matches?"dark":"light");document.documentElement.dataset.theme=t}catch(e){}`;

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body>{children}</body>
    </html>
  );
}
