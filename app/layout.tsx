import type { ReactNode } from "react";

export const metadata = { title: "alco", description: "grep and less for the logs of distributed systems" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: "system-ui, sans-serif", margin: 0 }}>{children}</body>
    </html>
  );
}
