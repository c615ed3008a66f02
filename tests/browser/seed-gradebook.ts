import Database from "better-sqlite3";

/** SQLite's DATETIME text as Prisma's better-sqlite3 adapter writes it. */
const sqliteTime = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");

export interface SeededClass {
  learners: number;
  guests: number;
  exerciseKeys: string[];
  /**
   * The learners' email domain (default school.example). A test gives its class a domain of its
   * own, so that searching for it finds exactly the seeded learners whatever else is in the database.
   */
  emailDomain?: string;
}

/**
 * A class straight into the database (grading 30,000 submissions would take hours): `learners`
 * signed-up learners (learner0000..., ids seed-learner-N, emails @school.example or `emailDomain`) and `guests`
 * anonymous ones (ids 9e57NNNN-...), each with one graded submission and a state row per
 * exercise key. Scores 0, 0.25, ..., 1 spread over learners and exercises; learner0007 has
 * every exercise right.
 */
export function seedClass(databaseUrl: string, { learners, guests, exerciseKeys, emailDomain = "school.example" }: SeededClass): void {
  const db = new Database(databaseUrl.replace(/^file:/, ""));
  try {
    const now = Date.now();
    const user = db.prepare(`INSERT INTO "User" ("id", "name", "email", "emailVerified", "username", "role", "createdAt", "updatedAt") VALUES (?, ?, ?, 0, ?, 'learner', ?, ?)`);
    const submission = db.prepare(
      `INSERT INTO "Submission" ("id", "userId", "lessonSlug", "exerciseId", "code", "score", "maxScore", "passed", "status", "results", "createdAt") VALUES (?, ?, ?, ?, ?, ?, 1, ?, 'graded', '{}', ?)`,
    );
    const state = db.prepare(`INSERT INTO "ExerciseState" ("id", "userId", "lessonSlug", "exerciseId", "attempts", "hintsUsed", "solutionViewed", "updatedAt") VALUES (?, ?, ?, ?, 1, ?, 0, ?)`);
    db.transaction(() => {
      for (let i = 0; i < learners + guests; i++) {
        const guest = i >= learners;
        const id = guest ? `9e57${String(i).padStart(4, "0")}-0000-4000-8000-000000000000` : `seed-learner-${i}`;
        const username = guest ? null : `learner${String(i).padStart(4, "0")}`;
        user.run(id, username ?? "", username ? `${username}@${emailDomain}` : null, username, sqliteTime(now), sqliteTime(now));
        exerciseKeys.forEach((key, e) => {
          const [lesson, exercise] = key.split("/");
          const score = i === 7 ? 1 : ((i * 7 + e * 3) % 5) / 4;
          submission.run(`s-${i}-${e}`, id, lesson, exercise, `// ${username ?? "guest"} on ${key}\nfunction answer() { return ${score}; }`, score, score === 1 ? 1 : 0, sqliteTime(now - (i * 31 + e) * 1000));
          state.run(`st-${i}-${e}`, id, lesson, exercise, e % 3, sqliteTime(now));
        });
      }
    })();
  } finally {
    db.close();
  }
}

/** Course exercises first, then retired ones (no longer in the course, still graded) up to `total`. */
export function withRetiredExercises(course: string[], total: number): string[] {
  return [...course, ...Array.from({ length: Math.max(0, total - course.length) }, (_, i) => `retired-lesson/old-exercise-${String(i + 1).padStart(2, "0")}`)];
}
