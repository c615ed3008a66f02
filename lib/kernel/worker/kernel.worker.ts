/// <reference lib="webworker" />
import type { KernelToPage, PageToKernel } from "../protocol";
import { KernelSession } from "./session";
import { notebookBuiltins } from "./builtins";
import { engineGlobals, engineModules } from "./engine";
import { utils } from "../../tensor";

declare const self: DedicatedWorkerGlobalScope;

const post = (message: KernelToPage) => self.postMessage(message);
post({ type: "status", execution_state: "starting" });

// Datasets (MNIST) are binary files served from our own origin and cached by the browser.
utils.data.set_dataset_source(async (name) => {
  const response = await fetch(new URL(`/data/${encodeURIComponent(name)}`, self.location.origin));
  if (!response.ok) throw new Error(`Could not load the dataset file ${name} (HTTP ${response.status})`);
  return new Uint8Array(await response.arrayBuffer());
});

const session = new KernelSession(post, (s) => ({ ...engineGlobals(), ...notebookBuiltins(s) }), engineModules());

self.onmessage = (event: MessageEvent<PageToKernel>) => {
  const message = event.data;
  if (message.type === "interrupt_setup") session.guard.useSharedFlag(message.buffer);
  else if (message.type === "execute_request") void session.enqueue(message);
};

post({ type: "status", execution_state: "idle" });
