"use client";

import { useEffect, useState } from "react";

export interface AccountUser {
  username: string | null;
  role: "learner" | "instructor";
  anonymous: boolean;
}

let pending: Promise<AccountUser | null> | null = null;

/** Who the visitor is, asked of the API once per page load and shared by every component that needs it. */
export function fetchAccount(): Promise<AccountUser | null> {
  pending ??= fetch("/api/account", { cache: "no-store" })
    .then((response) => (response.ok ? (response.json() as Promise<{ user: AccountUser | null }>) : { user: null }))
    .then((body) => body.user)
    .catch(() => null);
  return pending;
}

/** The visitor's account: undefined while loading, null for a visitor with no identity yet. */
export function useAccount(): AccountUser | null | undefined {
  const [user, setUser] = useState<AccountUser | null | undefined>(undefined);
  useEffect(() => {
    let cancelled = false;
    void fetchAccount().then((found) => !cancelled && setUser(found));
    return () => {
      cancelled = true;
    };
  }, []);
  return user;
}

/** The sign-in (or sign-up) page, returning to this page (and `hash`) afterwards. */
export function signInHref(hash = "", page: "signin" | "signup" = "signin"): string {
  const here = typeof window === "undefined" ? "/" : `${window.location.pathname}${window.location.search}`;
  // The account pages themselves pass on where the learner was going rather than pointing back at themselves.
  const onAccountPage = /^\/(signin|signup)$/.test(here.split("?")[0]);
  const next = onAccountPage ? new URLSearchParams(window.location.search).get("next") : here + hash;
  return next ? `/${page}?next=${encodeURIComponent(next)}` : `/${page}`;
}
