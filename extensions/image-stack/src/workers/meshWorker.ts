/// <reference lib="webworker" />
// The mesh worker: packed mask in; an STL with its stats, a refined mask, or a piece census out.
// It runs runJob, the same core calls as the CLI and the unit tests.
import { errorToWire } from '@imagestack/core';
import { runJob } from '../mesh/runJob';
import type { WorkerJob, WorkerReply } from '../mesh/protocol';

const post = (reply: WorkerReply, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(reply, transfer);

self.onmessage = (event: MessageEvent<WorkerJob>) => {
  try {
    const { result, transfer } = runJob(event.data, (fraction, step) => post({ type: 'progress', fraction, step }));
    post({ type: 'done', result }, transfer);
  } catch (e) {
    post({ type: 'error', error: errorToWire(e, 'the mesh worker') });
  }
};
