/// <reference lib="webworker" />
import type { KernelToPage, PageToKernel } from "../protocol";
import { KernelSession } from "./session";
import { notebookBuiltins } from "./builtins";
import { engineGlobals, engineModules } from "./engine";

declare const self: DedicatedWorkerGlobalScope;

const post = (message: KernelToPage) => self.postMessage(message);
post({ type: "status", execution_state: "starting" });

const session = new KernelSession(post, (s) => ({ ...engineGlobals(), ...notebookBuiltins(s) }), engineModules());

self.onmessage = (event: MessageEvent<PageToKernel>) => {
  const message = event.data;
  if (message.type === "interrupt_setup") session.guard.useSharedFlag(message.buffer);
  else if (message.type === "execute_request") void session.enqueue(message);
};

post({ type: "status", execution_state: "idle" });
