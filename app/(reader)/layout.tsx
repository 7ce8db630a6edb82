import type { ReactNode } from "react";
import { Providers } from "@/app/providers";

export default function ReaderLayout({ children }: { children: ReactNode }) {
  return <Providers>{children}</Providers>;
}
