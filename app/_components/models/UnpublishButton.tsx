"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import styles from "./models.module.css";

/** Unpublishes one of the learner's models after a confirmation; its page then answers 404. */
export function UnpublishButton({ id, name }: { id: string; name: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const unpublish = async () => {
    if (!window.confirm(`Unpublish "${name}"? Its page stops working for everyone who has the link.`)) return;
    setBusy(true);
    setError(null);
    const response = await fetch(`/api/models/${encodeURIComponent(id)}`, { method: "DELETE" }).catch(() => null);
    setBusy(false);
    if (response?.ok) {
      router.refresh();
      return;
    }
    const body = (await response?.json().catch(() => null)) as { error?: string } | null;
    setError(body?.error ?? "Could not reach the server; try again.");
  };

  return (
    <>
      <button type="button" className={styles.button} onClick={() => void unpublish()} disabled={busy} aria-label={`Unpublish ${name}`}>
        {busy ? "Unpublishing…" : "Unpublish"}
      </button>
      {error ? <span className={styles.error} role="alert"> {error}</span> : null}
    </>
  );
}
