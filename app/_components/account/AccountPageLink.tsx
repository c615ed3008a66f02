"use client";

import Link from "next/link";
import { useSyncExternalStore, type ReactNode } from "react";
import { signInHref } from "./useAccount";

const noSubscription = () => () => undefined;

/** "Sign in" on the sign-up page and back: keeps `?next=` so the learner still lands where they were going. */
export function AccountPageLink({ page, children }: { page: "signin" | "signup"; children: ReactNode }) {
  // The plain path on the server (the query is only known in the browser), the full one after hydration.
  const href = useSyncExternalStore(noSubscription, () => signInHref("", page), () => `/${page}`);
  return <Link href={href}>{children}</Link>;
}
