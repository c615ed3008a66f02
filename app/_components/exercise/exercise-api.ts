/** The page's calls to /api/exercises (Submit and its polling are in submission-api.ts). Each answers what the server recorded. */
import type { ExerciseProgress } from "@/lib/db/submissions";
import { learnerFetch } from "@/app/_components/learner-fetch";

export type { ExerciseProgress };

async function post<T>(url: string, body: unknown): Promise<T> {
  const response = await learnerFetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const json = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok) throw new Error(json.error ?? `The server answered ${response.status}`);
  return json;
}

const base = (slug: string, id: string) => `/api/exercises/${encodeURIComponent(slug)}/${encodeURIComponent(id)}`;

/** Opens hint number `hint` (recorded) and answers every hint opened so far, as HTML. */
export function recordHint(slug: string, id: string, hint: number) {
  return post<{ progress: ExerciseProgress; hints: string[] }>(`${base(slug, id)}/hint`, { hint });
}

/** The hints this learner opened earlier (after a reload), as HTML. */
export async function openedHints(slug: string, id: string): Promise<string[]> {
  const response = await learnerFetch(`${base(slug, id)}/hint`, { cache: "no-store" });
  if (!response.ok) return [];
  return ((await response.json()) as { hints: string[] }).hints;
}

export function requestSolution(slug: string, id: string, early: boolean) {
  return post<{ solution: string; progress: ExerciseProgress }>(`${base(slug, id)}/solution`, { early });
}

const progressRequests = new Map<string, Promise<Record<string, ExerciseProgress>>>();

/** The learner's progress on every exercise of the lesson: one request per page, shared. */
export function lessonProgress(slug: string): Promise<Record<string, ExerciseProgress>> {
  let request = progressRequests.get(slug);
  if (!request) {
    request = learnerFetch(`/api/exercises/${encodeURIComponent(slug)}`)
      .then((response) => (response.ok ? (response.json() as Promise<{ exercises: Record<string, ExerciseProgress> }>) : { exercises: {} }))
      .then((body) => body.exercises)
      .catch(() => ({}));
    progressRequests.set(slug, request);
    // Later mounts (navigation back) should see fresh data.
    setTimeout(() => progressRequests.delete(slug), 2_000);
  }
  return request;
}
