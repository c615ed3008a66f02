/**
 * Bounds on what leaves the grader. Every message a check, the learner's code or the sandbox
 * produces is cut to a few KB, and a whole result to a few tens of KB, so one submission that
 * throws a 50 MB error costs a few KB of response and database row, not hundreds of MB.
 *
 * Used inside the grading isolate (before anything is copied out) and again on the host.
 */
import { StringOf } from "./primordials";

/** One check's failure message, in characters. */
export const MAX_CHECK_MESSAGE_CHARS = 2_000;
/** All messages of one result together (setup error included), in characters. */
export const MAX_RESULT_MESSAGE_CHARS = 24_000;

/** `text` cut to `max` characters, with a note saying how much was left out. */
export function capMessage(text: string, max = MAX_CHECK_MESSAGE_CHARS): string {
  if (text.length <= max) return text;
  const note = ` … [message cut: ${text.length.toLocaleString("en-US")} characters in all, the first ${max.toLocaleString("en-US")} shown]`;
  return text.slice(0, max) + note;
}

/** A value a learner may control (a getter, a non-string, a toString that throws) as text, uncapped. */
export function textOf(value: unknown): string {
  try {
    return typeof value === "string" ? value : StringOf(value);
  } catch {
    return "(a value that cannot be shown)";
  }
}

/** Like textOf, capped. */
export function safeText(value: unknown, max = MAX_CHECK_MESSAGE_CHARS): string {
  return capMessage(textOf(value), max);
}

/**
 * Caps the messages of a list of results so their total stays within `budget`: each message
 * keeps at most its share of what is left, in order, so the first failures read in full.
 */
export function capMessages<T extends { message: string }>(items: readonly T[], budget = MAX_RESULT_MESSAGE_CHARS): T[] {
  let left = budget;
  return items.map((item, index) => {
    const share = Math.max(200, Math.floor(left / (items.length - index)));
    const message = capMessage(item.message, Math.min(MAX_CHECK_MESSAGE_CHARS, share));
    left = Math.max(0, left - message.length);
    return message === item.message ? item : { ...item, message };
  });
}
