"use client";

import { useState, type FormEvent } from "react";
import styles from "./account.module.css";

/** Sign-in and sign-up share one form: username + password posted to the account API. */
export function CredentialsForm({ mode }: { mode: "signin" | "signup" }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const response = await fetch(`/api/account/${mode}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: String(form.get("username") ?? ""), password: String(form.get("password") ?? "") }),
      });
      if (!response.ok) {
        const body = (await response.json().catch(() => ({}))) as { error?: string };
        setError(body.error?.replace(/^Invalid request body: /, "") ?? `Something went wrong (${response.status})`);
        return;
      }
      // A full load, not router.push: the header widget and every page must see the new identity.
      // `?next=/lessons/x#comments` (the discussion's sign-in link) returns there: a path on this site only.
      const next = new URLSearchParams(window.location.search).get("next");
      window.location.assign(next && /^\/(?![/\\])[^\s\\]*$/.test(next) ? next : "/");
    } catch {
      setError("Could not reach the server. Check your connection and try again.");
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className={styles.form} onSubmit={(event) => void submit(event)}>
      <label>
        Username
        <input name="username" autoComplete="username" required minLength={3} maxLength={30} pattern="[a-zA-Z0-9_.\-]{3,30}" />
        {mode === "signup" ? <span className={styles.hint}>3–30 letters, digits, dots, dashes or underscores</span> : null}
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete={mode === "signup" ? "new-password" : "current-password"} required minLength={8} maxLength={128} />
        {mode === "signup" ? <span className={styles.hint}>At least 8 characters</span> : null}
      </label>
      {error ? (
        <p className={styles.error} role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={busy}>
        {mode === "signup" ? "Sign up" : "Sign in"}
      </button>
    </form>
  );
}
