/// <reference lib="webworker" />
/** The lesson page's kernel worker: a KernelSession with the notebook's globals (./globals.ts). */
import type { KernelToPage, PageToKernel } from "../kernel/protocol";
import { KernelSession } from "../kernel/worker/session";
import { engineModules } from "../kernel/worker/engine";
import { utils } from "../tensor";
import { notebookGlobals } from "./globals";
import { startGemmThreads } from "./gemm-threads";

declare const self: DedicatedWorkerGlobalScope;

const post = (message: KernelToPage) => self.postMessage(message);
post({ type: "status", execution_state: "starting" });

// Datasets (MNIST) are binary files served from our own origin and cached by the browser.
utils.data.set_dataset_source(async (name) => {
  const response = await fetch(new URL(`/data/${encodeURIComponent(name)}`, self.location.origin));
  if (!response.ok) throw new Error(`Could not load the dataset file ${name} (HTTP ${response.status})`);
  return new Uint8Array(await response.arrayBuffer());
});

// Matmul and convolution on all cores (up to 4) when the page is cross-origin isolated.
startGemmThreads();

const session = new KernelSession(post, notebookGlobals, engineModules());

// An error thrown later by a callback (a timer, a promise nobody awaited) is the learner's,
// not a crash of the kernel: report it as stderr of the cell running now and keep going.
const reportStray = (label: string, error: unknown) =>
  session.output.write("stderr", `${label}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
self.addEventListener("error", (event) => {
  event.preventDefault();
  reportStray("Uncaught error in a callback", event.error ?? event.message);
});
self.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  reportStray("Unhandled promise rejection", event.reason);
});

self.onmessage = (event: MessageEvent<PageToKernel>) => {
  const message = event.data;
  if (message.type === "interrupt_setup") session.guard.useSharedFlag(message.buffer);
  else if (message.type === "execute_request") void session.enqueue(message);
};

post({ type: "status", execution_state: "idle" });
