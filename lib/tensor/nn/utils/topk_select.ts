/**
 * Which entries torch.topk returns when values tie, for pruning: PyTorch 1.13's CPU topk
 * (ATen's topk_impl_loop) puts (value, index) pairs in index order and selects with libstdc++'s
 * std::partial_sort when k * 64 <= n, else std::nth_element. Neither is stable, so among equal
 * magnitudes the pruned entries follow those algorithms' swaps, not index order. This module
 * replays them step for step (libstdc++'s introselect, median-of-three pivot, unguarded
 * partition, insertion sort, heap select) so a pruning mask equals PyTorch's also at ties.
 * Only the chosen set matters to a mask, so the final sort of the first k is skipped.
 */
type Elem = [value: number, index: number];
type Less = (a: Elem, b: Elem) => boolean;

function swap(q: Elem[], i: number, j: number): void {
  const t = q[i];
  q[i] = q[j];
  q[j] = t;
}

// ---- libstdc++ heap primitives (bits/stl_heap.h), offsets relative to `first` ----
function pushHeap(q: Elem[], first: number, hole: number, top: number, value: Elem, less: Less): void {
  let parent = Math.floor((hole - 1) / 2);
  while (hole > top && less(q[first + parent], value)) {
    q[first + hole] = q[first + parent];
    hole = parent;
    parent = Math.floor((hole - 1) / 2);
  }
  q[first + hole] = value;
}

function adjustHeap(q: Elem[], first: number, hole: number, len: number, value: Elem, less: Less): void {
  const top = hole;
  let child = hole;
  while (child < Math.floor((len - 1) / 2)) {
    child = 2 * (child + 1);
    if (less(q[first + child], q[first + child - 1])) child--;
    q[first + hole] = q[first + child];
    hole = child;
  }
  if ((len & 1) === 0 && child === Math.floor((len - 2) / 2)) {
    child = 2 * (child + 1);
    q[first + hole] = q[first + child - 1];
    hole = child - 1;
  }
  pushHeap(q, first, hole, top, value, less);
}

function makeHeap(q: Elem[], first: number, last: number, less: Less): void {
  const len = last - first;
  if (len < 2) return;
  for (let parent = Math.floor((len - 2) / 2); ; parent--) {
    adjustHeap(q, first, parent, len, q[first + parent], less);
    if (parent === 0) return;
  }
}

function heapSelect(q: Elem[], first: number, middle: number, last: number, less: Less): void {
  makeHeap(q, first, middle, less);
  for (let i = middle; i < last; i++) {
    if (less(q[i], q[first])) {
      // __pop_heap(first, middle, i)
      const value = q[i];
      q[i] = q[first];
      adjustHeap(q, first, 0, middle - first, value, less);
    }
  }
}

// ---- std::nth_element (bits/stl_algo.h: __introselect) ----
function moveMedianToFirst(q: Elem[], result: number, a: number, b: number, c: number, less: Less): void {
  if (less(q[a], q[b])) {
    if (less(q[b], q[c])) swap(q, result, b);
    else if (less(q[a], q[c])) swap(q, result, c);
    else swap(q, result, a);
  } else if (less(q[a], q[c])) swap(q, result, a);
  else if (less(q[b], q[c])) swap(q, result, c);
  else swap(q, result, b);
}

function unguardedPartition(q: Elem[], first: number, last: number, pivot: number, less: Less): number {
  for (;;) {
    while (less(q[first], q[pivot])) first++;
    last--;
    while (less(q[pivot], q[last])) last--;
    if (!(first < last)) return first;
    swap(q, first, last);
    first++;
  }
}

function insertionSort(q: Elem[], first: number, last: number, less: Less): void {
  if (first === last) return;
  for (let i = first + 1; i < last; i++) {
    const val = q[i];
    if (less(val, q[first])) {
      for (let j = i; j > first; j--) q[j] = q[j - 1];
      q[first] = val;
    } else {
      let j = i;
      while (less(val, q[j - 1])) {
        q[j] = q[j - 1];
        j--;
      }
      q[j] = val;
    }
  }
}

function nthElement(q: Elem[], nth: number, less: Less): void {
  let first = 0;
  let last = q.length;
  if (first === last || nth === last) return;
  let depth = 2 * Math.floor(Math.log2(last - first));
  while (last - first > 3) {
    if (depth === 0) {
      heapSelect(q, first, nth + 1, last, less);
      swap(q, first, nth);
      return;
    }
    depth--;
    const mid = first + Math.floor((last - first) / 2);
    moveMedianToFirst(q, first, first + 1, mid, last - 1, less);
    const cut = unguardedPartition(q, first + 1, last, first, less);
    if (cut <= nth) first = cut;
    else last = cut;
  }
  insertionSort(q, first, last, less);
}

/** The flat indices torch.topk(values, k, largest) returns on the CPU, as a set (in no particular order). */
export function torchTopkIndices(values: ArrayLike<number>, k: number, largest: boolean): number[] {
  const n = values.length;
  if (k === 0) return [];
  const q: Elem[] = Array.from({ length: n }, (_, i) => [values[i], i]);
  // ATen's comparators: NaN counts as the largest value.
  const less: Less = largest
    ? (x, y) => (Number.isNaN(x[0]) && !Number.isNaN(y[0])) || x[0] > y[0]
    : (x, y) => (!Number.isNaN(x[0]) && Number.isNaN(y[0])) || x[0] < y[0];
  if (k * 64 <= n) heapSelect(q, 0, k, n, less);
  else nthElement(q, k - 1, less);
  return q.slice(0, k).map((e) => e[1]);
}
