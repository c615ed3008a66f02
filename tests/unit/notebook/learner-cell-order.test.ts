import { describe, expect, it } from "vitest";
import { movedPlace, orderedEntries, placeAfter, placeBefore, type Entry, type OwnCell } from "@/app/_components/notebook/learner-cell-order";

const LESSON = ["make", "shape", "grad"];
const own = (cellId: string, anchor: string, position: number, deleted = false): OwnCell => ({ cellId, anchor, position, deleted, kind: "code", code: "" });
const ids = (entries: Entry[]) => entries.map((entry) => (entry.type === "lesson" ? entry.cellId : entry.cell.cellId));

/** Applies a move to the cells and returns the new order. */
function move(cells: OwnCell[], cellId: string, direction: -1 | 1): string[] {
  const place = movedPlace(orderedEntries(LESSON, cells), cellId, direction);
  if (!place) return ids(orderedEntries(LESSON, cells));
  return ids(orderedEntries(LESSON, cells.map((cell) => (cell.cellId === cellId ? { ...cell, ...place } : cell))));
}

describe("own cells among the lesson's cells", () => {
  it("follow their anchor in position order; deleted ones are gone; unknown anchors go to the end", () => {
    const cells = [own("own-b", "make", 2), own("own-a", "make", 1), own("own-top", "", 0), own("own-old", "renamed-cell", 0), own("own-gone", "shape", 0, true)];
    expect(ids(orderedEntries(LESSON, cells))).toEqual(["own-top", "make", "own-a", "own-b", "shape", "grad", "own-old"]);
  });

  it("a new cell goes right after or right before the cell it was asked from", () => {
    const cells = [own("own-a", "make", 1), own("own-b", "make", 2)];
    const insert = (place: { anchor: string; position: number }) => ids(orderedEntries(LESSON, [...cells, own("own-new", place.anchor, place.position)]));
    const entries = orderedEntries(LESSON, cells);
    expect(insert(placeAfter(entries, "make"))).toEqual(["make", "own-new", "own-a", "own-b", "shape", "grad"]);
    expect(insert(placeAfter(entries, "own-a"))).toEqual(["make", "own-a", "own-new", "own-b", "shape", "grad"]);
    expect(insert(placeAfter(entries, "own-b"))).toEqual(["make", "own-a", "own-b", "own-new", "shape", "grad"]);
    expect(insert(placeBefore(entries, "shape"))).toEqual(["make", "own-a", "own-b", "own-new", "shape", "grad"]);
    expect(insert(placeBefore(entries, "make"))).toEqual(["own-new", "make", "own-a", "own-b", "shape", "grad"]);
    expect(insert(placeBefore(entries, "grad"))).toEqual(["make", "own-a", "own-b", "shape", "own-new", "grad"]);
  });

  it("moves one cell at a time across own and lesson cells, and stops at either end", () => {
    let cells = [own("own-a", "make", 1), own("own-b", "make", 2)];
    expect(move(cells, "own-b", -1)).toEqual(["make", "own-b", "own-a", "shape", "grad"]);
    expect(move(cells, "own-a", -1)).toEqual(["own-a", "make", "own-b", "shape", "grad"]);
    expect(move(cells, "own-b", 1)).toEqual(["make", "own-a", "shape", "own-b", "grad"]);
    cells = [own("own-z", "grad", 0)];
    expect(move(cells, "own-z", 1)).toEqual(["make", "shape", "grad", "own-z"]);
    cells = [own("own-z", "", 0)];
    expect(move(cells, "own-z", -1)).toEqual(["own-z", "make", "shape", "grad"]);
    // An orphan moved up joins the last lesson cell's group, so it has a living anchor again.
    cells = [own("own-old", "renamed", 0)];
    const place = movedPlace(orderedEntries(LESSON, cells), "own-old", -1);
    expect(place).toEqual({ anchor: "shape", position: 0 });
  });
});
