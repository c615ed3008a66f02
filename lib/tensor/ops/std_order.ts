/**
 * torch 1.13's CPU orderings, tie for tie. Its sort (stable=False) is C++'s std::sort, and topk is
 * std::partial_sort (k * 64 <= n) or std::nth_element followed by std::sort of the first k - 1, all
 * over (value, index) pairs compared by value alone. Equal values then come out in the order these
 * algorithms leave them, which is not the input's: torch.topk([1, 3, 3, 2, 3], 2) picks indices 4, 2.
 * Learners compare such indices with torch's (count tables, argmax lists), so these are the same
 * steps as GNU libstdc++'s (the library of the Linux builds torch ships): introsort with a median-of-3
 * pivot and a final insertion sort over runs of 16, introselect, and its heap routines.
 *
 * A "queue" is two parallel arrays, values and indices, moved together; `less` orders the values.
 */

export type Less = (a: number, b: number) => boolean;

/** NaN counts as the largest value, as in torch (numpy's order). */
export const ascending: Less = (a, b) => (a === a && b !== b) || a < b;
export const descending: Less = (a, b) => (a !== a && b === b) || a > b;

export interface Queue {
  values: Float64Array;
  indices: Int32Array;
}

const INSERTION_THRESHOLD = 16;

function swap(q: Queue, i: number, j: number): void {
  const v = q.values[i];
  q.values[i] = q.values[j];
  q.values[j] = v;
  const x = q.indices[i];
  q.indices[i] = q.indices[j];
  q.indices[j] = x;
}

/** floor(log2(n)) for n >= 1. */
const log2Floor = (n: number): number => 31 - Math.clz32(n);

function moveMedianToFirst(q: Queue, result: number, a: number, b: number, c: number, less: Less): void {
  const v = q.values;
  if (less(v[a], v[b])) {
    if (less(v[b], v[c])) swap(q, result, b);
    else if (less(v[a], v[c])) swap(q, result, c);
    else swap(q, result, a);
  } else if (less(v[a], v[c])) swap(q, result, a);
  else if (less(v[b], v[c])) swap(q, result, c);
  else swap(q, result, b);
}

/** Partitions [first, last) around the value at `pivot` (which lies outside the range). */
function unguardedPartition(q: Queue, first: number, last: number, pivot: number, less: Less): number {
  const v = q.values;
  for (;;) {
    while (less(v[first], v[pivot])) first++;
    last--;
    while (less(v[pivot], v[last])) last--;
    if (!(first < last)) return first;
    swap(q, first, last);
    first++;
  }
}

function unguardedPartitionPivot(q: Queue, first: number, last: number, less: Less): number {
  const mid = first + Math.floor((last - first) / 2);
  moveMedianToFirst(q, first, first + 1, mid, last - 1, less);
  return unguardedPartition(q, first + 1, last, first, less);
}

function pushHeap(q: Queue, first: number, hole: number, top: number, value: number, index: number, less: Less): void {
  let parent = Math.floor((hole - 1) / 2);
  while (hole > top && less(q.values[first + parent], value)) {
    q.values[first + hole] = q.values[first + parent];
    q.indices[first + hole] = q.indices[first + parent];
    hole = parent;
    parent = Math.floor((hole - 1) / 2);
  }
  q.values[first + hole] = value;
  q.indices[first + hole] = index;
}

function adjustHeap(q: Queue, first: number, hole: number, length: number, value: number, index: number, less: Less): void {
  const top = hole;
  let child = hole;
  while (child < Math.floor((length - 1) / 2)) {
    child = 2 * (child + 1);
    if (less(q.values[first + child], q.values[first + child - 1])) child--;
    q.values[first + hole] = q.values[first + child];
    q.indices[first + hole] = q.indices[first + child];
    hole = child;
  }
  if ((length & 1) === 0 && child === Math.floor((length - 2) / 2)) {
    child = 2 * (child + 1);
    q.values[first + hole] = q.values[first + child - 1];
    q.indices[first + hole] = q.indices[first + child - 1];
    hole = child - 1;
  }
  pushHeap(q, first, hole, top, value, index, less);
}

function makeHeap(q: Queue, first: number, last: number, less: Less): void {
  const length = last - first;
  if (length < 2) return;
  for (let parent = Math.floor((length - 2) / 2); ; parent--) {
    adjustHeap(q, first, parent, length, q.values[first + parent], q.indices[first + parent], less);
    if (parent === 0) return;
  }
}

/** Moves the heap's top to `result` and re-heaps [first, last) with result's old element. */
function popHeap(q: Queue, first: number, last: number, result: number, less: Less): void {
  const value = q.values[result];
  const index = q.indices[result];
  q.values[result] = q.values[first];
  q.indices[result] = q.indices[first];
  adjustHeap(q, first, 0, last - first, value, index, less);
}

function heapSelect(q: Queue, first: number, middle: number, last: number, less: Less): void {
  makeHeap(q, first, middle, less);
  for (let i = middle; i < last; i++) if (less(q.values[i], q.values[first])) popHeap(q, first, middle, i, less);
}

function sortHeap(q: Queue, first: number, last: number, less: Less): void {
  while (last - first > 1) {
    last--;
    popHeap(q, first, last, last, less);
  }
}

function unguardedLinearInsert(q: Queue, last: number, less: Less): void {
  const value = q.values[last];
  const index = q.indices[last];
  let next = last - 1;
  while (less(value, q.values[next])) {
    q.values[last] = q.values[next];
    q.indices[last] = q.indices[next];
    last = next;
    next--;
  }
  q.values[last] = value;
  q.indices[last] = index;
}

function insertionSort(q: Queue, first: number, last: number, less: Less): void {
  if (first === last) return;
  for (let i = first + 1; i < last; i++) {
    if (less(q.values[i], q.values[first])) {
      const value = q.values[i];
      const index = q.indices[i];
      q.values.copyWithin(first + 1, first, i);
      q.indices.copyWithin(first + 1, first, i);
      q.values[first] = value;
      q.indices[first] = index;
    } else {
      unguardedLinearInsert(q, i, less);
    }
  }
}

function introsortLoop(q: Queue, first: number, last: number, depth: number, less: Less): void {
  while (last - first > INSERTION_THRESHOLD) {
    if (depth === 0) {
      partialSort(q, first, last, last, less);
      return;
    }
    depth--;
    const cut = unguardedPartitionPivot(q, first, last, less);
    introsortLoop(q, cut, last, depth, less);
    last = cut;
  }
}

/** std::sort of [first, last). */
export function stdSort(q: Queue, first: number, last: number, less: Less): void {
  if (last - first < 2) return;
  introsortLoop(q, first, last, 2 * log2Floor(last - first), less);
  if (last - first > INSERTION_THRESHOLD) {
    insertionSort(q, first, first + INSERTION_THRESHOLD, less);
    for (let i = first + INSERTION_THRESHOLD; i < last; i++) unguardedLinearInsert(q, i, less);
  } else {
    insertionSort(q, first, last, less);
  }
}

/** std::partial_sort: the `middle - first` least elements of [first, last), in order, at the front. */
export function partialSort(q: Queue, first: number, middle: number, last: number, less: Less): void {
  heapSelect(q, first, middle, last, less);
  sortHeap(q, first, middle, less);
}

/** std::nth_element: the element that belongs at `nth` is there, no greater one before it, no less one after. */
export function nthElement(q: Queue, first: number, nth: number, last: number, less: Less): void {
  if (first === last || nth === last) return;
  let depth = 2 * log2Floor(last - first);
  while (last - first > 3) {
    if (depth === 0) {
      heapSelect(q, first, nth + 1, last, less);
      swap(q, first, nth);
      return;
    }
    depth--;
    const cut = unguardedPartitionPivot(q, first, last, less);
    if (cut <= nth) first = cut;
    else last = cut;
  }
  insertionSort(q, first, last, less);
}

/** torch 1.13's topk of one row (TopKImpl.h): the first k of the queue become the row's top k. */
export function topkQueue(q: Queue, k: number, largest: boolean, sorted: boolean): void {
  const n = q.values.length;
  if (k === 0) return;
  const less = largest ? descending : ascending;
  if (k * 64 <= n) {
    partialSort(q, 0, k, n, less);
  } else {
    nthElement(q, 0, k - 1, n, less);
    // torch sorts the first k - 1 only: nth_element already put the k-th in its place
    if (sorted) stdSort(q, 0, k - 1, less);
  }
}

/**
 * torch 1.13's kthvalue selection (quick_select_template in ATen's SortingUtils.h, its own, not C++'s):
 * afterwards the queue's k-th entry (0-based) is the k-th smallest, NaN counting as the largest.
 */
export function torchQuickSelect(q: Queue, k: number): void {
  const v = q.values;
  const greater = descending;
  let left = 0;
  let right = v.length - 1;
  for (;;) {
    if (right <= left) return;
    if (right === left + 1) {
      if (greater(v[left], v[right])) swap(q, left, right);
      return;
    }
    // median of three for the pivot, left of the range
    const mid = left + Math.floor((right - left) / 2);
    swap(q, mid, left + 1);
    if (greater(v[left + 1], v[right])) swap(q, left + 1, right);
    if (greater(v[left], v[right])) swap(q, left, right);
    if (greater(v[left + 1], v[left])) swap(q, left + 1, left);
    let i = left + 1;
    let j = right;
    const pivot = v[left];
    for (;;) {
      do i++;
      while (greater(pivot, v[i]));
      do j--;
      while (greater(v[j], pivot));
      if (j < i) break;
      swap(q, i, j);
    }
    swap(q, left, j);
    if (j <= k) left = i;
    if (j >= k) right = j - 1;
  }
}

/**
 * torch 1.13's mode of one row: std::sort of (value, index) pairs by plain `<`, then the longest run of equal
 * values (the first such run on ties) answered with the position of its last pair.
 */
export function torchModeIndex(values: ArrayLike<number>): number {
  const n = values.length;
  const q: Queue = { values: Float64Array.from(values), indices: Int32Array.from({ length: n }, (_, i) => i) };
  stdSort(q, 0, n, (a, b) => a < b);
  let best = q.indices[0];
  let bestCount = 0;
  let run = 0;
  for (let i = 0; i < n; i++) {
    run++;
    if (i === n - 1 || q.values[i] !== q.values[i + 1]) {
      if (run > bestCount) {
        bestCount = run;
        best = q.indices[i];
      }
      run = 0;
    }
  }
  return best;
}

/** The indices torch.topk(values, k, largest) returns on the CPU, in torch's (unsorted) order: pruning's masks use them. */
export function torchTopkIndices(values: ArrayLike<number>, k: number, largest: boolean): number[] {
  const q: Queue = { values: Float64Array.from(values), indices: Int32Array.from({ length: values.length }, (_, i) => i) };
  topkQueue(q, k, largest, false);
  return Array.from(q.indices.subarray(0, k));
}
