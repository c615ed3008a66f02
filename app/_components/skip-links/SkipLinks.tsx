"use client";

import { usePathname } from "next/navigation";
import type { MouseEvent } from "react";
import { CONTENT_ID } from "./content-id";

/** A lesson's notebook (not an archived version): the pages with cells to jump to. */
const LESSON_PATH = /^\/lessons\/[^/]+\/?$/;

/**
 * Moves the keyboard focus to `target` and scrolls it into view. Following a fragment link only
 * scrolls in some browsers and leaves the focus behind, so the next Tab would start from the top.
 */
function focusOn(event: MouseEvent<HTMLAnchorElement>, target: HTMLElement | null): void {
  if (!target) return;
  event.preventDefault();
  target.focus();
  target.scrollIntoView({ block: "start" });
}

/**
 * The first stops of the Tab order on every page, shown only while focused: past the header
 * to the content and, on a lesson, straight to its first cell (in command mode, where Enter edits
 * it and J/K move between cells). Without them a keyboard learner pressed Tab 14 times.
 */
export function SkipLinks() {
  const lesson = LESSON_PATH.test(usePathname() ?? "");
  return (
    <div className="skip-links">
      <a className="skip-link" href={`#${CONTENT_ID}`} onClick={(event) => focusOn(event, document.getElementById(CONTENT_ID))}>
        Skip to content
      </a>
      {lesson ? (
        <a className="skip-link" href={`#${CONTENT_ID}`} onClick={(event) => focusOn(event, document.querySelector<HTMLElement>("section.cell"))} data-testid="skip-to-first-cell">
          Skip to the first cell
        </a>
      ) : null}
    </div>
  );
}
