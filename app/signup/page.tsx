import type { Metadata } from "next";
import { AccountPageLink } from "@/app/_components/account/AccountPageLink";
import { CredentialsForm } from "@/app/_components/account/CredentialsForm";

export const metadata: Metadata = { title: "Sign up" };

export default function SignUpPage() {
  return (
    <div>
      <h1>Sign up</h1>
      <p className="lead">Keep your code, progress and experiment runs on any machine. Everything you did as a guest comes with you.</p>
      <CredentialsForm mode="signup" />
      <p>
        Already have an account? <AccountPageLink page="signin">Sign in</AccountPageLink>
      </p>
    </div>
  );
}
