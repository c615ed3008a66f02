import styles from "./discussion.module.css";

/** A discussion error line (role="alert", so screen readers announce it); nothing when there is no error. */
export function ErrorAlert({ error }: { error: string | null }) {
  return error ? (
    <p className={styles.error} role="alert">
      {error}
    </p>
  ) : null;
}
