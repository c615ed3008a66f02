import type { Metadata } from "next";
import Link from "next/link";
import { CredentialsForm } from "@/app/_components/account/CredentialsForm";

export const metadata: Metadata = { title: "Sign in" };

export default function SignInPage() {
  return (
    <div>
      <h1>Sign in</h1>
      <p className="lead">Work you did as a guest in this browser joins your account.</p>
      <CredentialsForm mode="signin" />
      <p>
        No account yet? <Link href="/signup">Sign up</Link>
      </p>
    </div>
  );
}
