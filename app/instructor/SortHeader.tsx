import { viewSearch, type GradebookView } from "@/lib/api/gradebook-query";
import styles from "./gradebook.module.css";

/**
 * A column header that sorts the gradebook by its column: the first click sorts scores
 * high to low (names A to Z), the next reverses. Back to page 1 either way.
 */
export function SortHeader({ view, sort, label, sub, title, className }: { view: GradebookView; sort: string; label: string; sub?: string; title?: string; className?: string }) {
  const active = view.sort === sort;
  const firstDir = sort === "learner" ? "asc" : "desc";
  const dir = active ? (view.dir === "asc" ? "desc" : "asc") : firstDir;
  return (
    <th scope="col" className={className} title={title} aria-sort={active ? (view.dir === "asc" ? "ascending" : "descending") : undefined}>
      <a href={`/instructor${viewSearch(view, { sort, dir, page: 1 })}`} className={styles.sortLink} data-sort={sort}>
        {label}
        <span aria-hidden="true" className={styles.arrow}>
          {active ? (view.dir === "asc" ? " ▲" : " ▼") : ""}
        </span>
      </a>
      {sub ? <span className={styles.sub}>{sub}</span> : null}
    </th>
  );
}
