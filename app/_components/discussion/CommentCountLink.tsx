"use client";

import { commentsLabel, useCommentCount } from "./comment-count";
import styles from "./discussion.module.css";

/** The lesson header's link to the discussion: "Comments (N)". */
export function CommentCountLink() {
  const count = useCommentCount();
  return (
    <a href="#comments" className={styles.countLink} data-testid="comment-count-link">
      {commentsLabel(count)}
    </a>
  );
}
