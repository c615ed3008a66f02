"use client";

import { useEffect, useState } from "react";
import { fetchAccount } from "../account/useAccount";
import styles from "./versions.module.css";

interface EarlierCell {
  cellId: string;
  code: string;
  updatedAt: string;
}

/**
 * Code the learner saved for cells or exercises that a revision of the lesson removed. Work is
 * never dropped with a cell: it is listed here, read-only, to copy into a cell of the current
 * version. A visitor with no identity yet has saved nothing, so nothing is minted to ask.
 */
export function EarlierWork({ lessonSlug }: { lessonSlug: string }) {
  const [earlier, setEarlier] = useState<EarlierCell[]>([]);
  const [copied, setCopied] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    // Without an identity the API would answer 401 (a console error) for nothing to show.
    fetchAccount()
      .then((user) => (user ? fetch(`/api/lessons/${lessonSlug}/cells`, { cache: "no-store" }) : null))
      .then((response) => (response?.ok ? (response.json() as Promise<{ earlier?: EarlierCell[] }>) : { earlier: [] }))
      .then((body) => !cancelled && setEarlier(body.earlier ?? []))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [lessonSlug]);

  if (earlier.length === 0) return null;
  const copy = async (cell: EarlierCell) => {
    await navigator.clipboard.writeText(cell.code).catch(() => undefined);
    setCopied(cell.cellId);
  };
  return (
    <section className={styles.earlier} aria-labelledby="earlier-work-title" data-testid="earlier-work">
      <h2 id="earlier-work-title">From an earlier version</h2>
      <p className={styles.muted}>
        This lesson was revised and these cells are no longer in it. Your code for them is kept here; copy what you need into a cell above.
      </p>
      {earlier.map((cell) => (
        <figure key={cell.cellId} className={styles.cell} data-testid="earlier-cell" data-cell-id={cell.cellId}>
          <figcaption className={styles.cellId}>
            cell {cell.cellId} · saved {new Date(cell.updatedAt).toLocaleString()}{" "}
            <button type="button" onClick={() => void copy(cell)}>
              {copied === cell.cellId ? "Copied" : "Copy code"}
            </button>
          </figcaption>
          <pre>
            <code>{cell.code}</code>
          </pre>
        </figure>
      ))}
    </section>
  );
}
