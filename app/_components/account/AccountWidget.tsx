"use client";

import Link from "next/link";
import { forgetUnsentEdits, settleSavesBeforeSignOut } from "../persistence/active-savers";
import styles from "./account.module.css";
import { signInHref, useAccount } from "./useAccount";

/**
 * The header's account corner. A client component so pages stay static: it asks the API who
 * the visitor is after load.
 */
export function AccountWidget() {
  const user = useAccount();

  const signOut = async () => {
    // Edits typed just before signing out belong to this account: send them first.
    await settleSavesBeforeSignOut();
    const response = await fetch("/api/account/signout", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    if (response.ok) await forgetUnsentEdits();
    // A full load, not router.push: the header widget and every page must see the new identity.
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination
    window.location.assign("/");
  };

  if (user === undefined) return <nav className={styles.widget} aria-label="Account" />;
  return (
    <nav className={styles.widget} aria-label="Account">
      <Link href="/experiments">Experiments</Link>
      {user?.role === "instructor" ? <Link href="/instructor">Gradebook</Link> : null}
      {user && !user.anonymous ? (
        <>
          <Link href="/models">My models</Link>
          <span>
            Signed in as <span className={styles.name} data-testid="account-username">{user.username}</span>
            {user.role === "instructor" ? <span className={styles.muted}> (instructor)</span> : null}
          </span>
          <button type="button" className={styles.linkButton} onClick={() => void signOut()}>
            Sign out
          </button>
        </>
      ) : (
        <>
          <span className={styles.muted} title="Your work is kept for this browser. Sign up to keep it on any machine.">
            Guest
          </span>
          <Link href={signInHref()}>Sign in</Link>
          <Link href={signInHref("", "signup")}>Sign up</Link>
        </>
      )}
    </nav>
  );
}
