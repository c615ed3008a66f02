import Link from "next/link";

/** What a learner (or a visitor who is not signed in) sees at /instructor: HTTP 403. */
export default function InstructorForbidden() {
  return (
    <article>
      <h1>403: instructors only</h1>
      <p>The gradebook is for the course&apos;s instructors. Sign in with an instructor account to see it.</p>
      <Link href="/">Back to the course</Link>
    </article>
  );
}
