/** The gradebook's view parameters (who is shown, search, sort, page), shared by the page and the API. */
import { z } from "zod";

/** `exercise:<lesson>/<exercise>` sorts by that exercise's best score. */
const SORT = /^(learner|total|passed|exercise:[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+)$/;

export const PAGE_SIZES = [25, 50, 100, 200] as const;

export const gradebookViewSchema = z.object({
  /** Signed-up learners (the default), guests (anonymous learners who never signed up) or both. */
  show: z.enum(["learners", "guests", "all"]).default("learners"),
  /** Case-insensitive substring of the username, name or email. */
  q: z.string().trim().max(100).default(""),
  sort: z.string().regex(SORT, 'sort must be "learner", "total", "passed" or "exercise:<lesson>/<exercise>"').default("learner"),
  dir: z.enum(["asc", "desc"]).default("asc"),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce
    .number()
    .int()
    .refine((size) => (PAGE_SIZES as readonly number[]).includes(size), `pageSize must be one of ${PAGE_SIZES.join(", ")}`)
    .default(50),
});

export type GradebookView = z.infer<typeof gradebookViewSchema>;

export const DEFAULT_VIEW: GradebookView = gradebookViewSchema.parse({});

/** The search string of a view, leaving out what equals the default (for links). */
export function viewSearch(view: GradebookView, change: Partial<GradebookView> = {}): string {
  const next = { ...view, ...change };
  const params = new URLSearchParams();
  for (const key of Object.keys(DEFAULT_VIEW) as (keyof GradebookView)[]) {
    if (next[key] !== DEFAULT_VIEW[key]) params.set(key, String(next[key]));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}
