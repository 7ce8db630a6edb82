import type { ReactNode } from "react";
import { Providers } from "./providers";

export default function ReaderLayout({ children }: { children: ReactNode }) {
  return <Providers>{children}</Providers>;
}
