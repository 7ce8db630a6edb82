import { Suspense } from "react";
import { LoginForm } from "./page-client";

export const metadata = { title: "Sign in · alco" };

export default function LoginPage() {
  return (
    <main className="home" style={{ maxWidth: 360 }}>
      <h1>alco</h1>
      <Suspense>
        <LoginForm />
      </Suspense>
    </main>
  );
}
