import { viewSearch, type GradebookView } from "@/lib/api/gradebook-query";
import styles from "./gradebook.module.css";

/** Pages around the current one, with the first and the last: 1 … 4 5 [6] 7 8 … 20. */
function pageNumbers(page: number, pageCount: number): (number | "gap")[] {
  const shown = new Set([1, pageCount, page - 2, page - 1, page, page + 1, page + 2].filter((n) => n >= 1 && n <= pageCount));
  const sorted = [...shown].sort((a, b) => a - b);
  return sorted.flatMap((n, i) => (i > 0 && n - sorted[i - 1] > 1 ? ["gap" as const, n] : [n]));
}

export function GradebookPager({ view, page, pageCount }: { view: GradebookView; page: number; pageCount: number }) {
  if (pageCount <= 1) return null;
  const href = (n: number) => `/instructor${viewSearch(view, { page: n })}`;
  return (
    <nav className={styles.pager} aria-label="Gradebook pages">
      {page > 1 ? (
        <a href={href(page - 1)} rel="prev">
          ‹ Previous
        </a>
      ) : null}
      {pageNumbers(page, pageCount).map((n, i) =>
        n === "gap" ? (
          <span key={`gap-${i}`} aria-hidden="true">
            …
          </span>
        ) : n === page ? (
          <strong key={n} aria-current="page">
            {n}
          </strong>
        ) : (
          <a key={n} href={href(n)}>
            {n}
          </a>
        ),
      )}
      {page < pageCount ? (
        <a href={href(page + 1)} rel="next">
          Next ›
        </a>
      ) : null}
    </nav>
  );
}
