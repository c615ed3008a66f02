import Link from "next/link";

/** What a learner (or a visitor who is not signed in) sees at /instructor/comments: HTTP 403. */
export default function CommentsForbidden() {
  return (
    <article>
      <h1>403: instructors only</h1>
      <p>Moderating the course&apos;s discussions is for its instructors. Comments are under each lesson.</p>
      <Link href="/">Back to the course</Link>
    </article>
  );
}
