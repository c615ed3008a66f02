import type { Metadata } from "next";
import { AccountPageLink } from "@/app/_components/account/AccountPageLink";
import { CredentialsForm } from "@/app/_components/account/CredentialsForm";

export const metadata: Metadata = { title: "Sign in" };

export default function SignInPage() {
  return (
    <div>
      <h1>Sign in</h1>
      <p className="lead">Work you did as a guest in this browser joins your account.</p>
      <CredentialsForm mode="signin" />
      <p>
        No account yet? <AccountPageLink page="signup">Sign up</AccountPageLink>
      </p>
    </div>
  );
}
