/// <reference lib="webworker" />
// The fit worker: persistent (one per loaded series), it keeps the prepared anatomy and devices
// between requests, so each placement is measured without rebuilding anything. It wraps
// FitEngine, which the unit tests run in-process.
import { errorToWire } from '@imagestack/core';
import { FitEngine } from '../fit/fitEngine';
import type { FitWorkerMessage, FitWorkerReply } from '../fit/fitProtocol';

const engine = new FitEngine();
const post = (reply: FitWorkerReply, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(reply, transfer);

self.onmessage = (event: MessageEvent<FitWorkerMessage>) => {
  const { requestId, ...request } = event.data;
  try {
    const result = engine.handle(request);
    post({ requestId, type: 'done', result }, result.op === 'measure' ? [result.vertexSignedDistanceMm.buffer as ArrayBuffer] : []);
  } catch (e) {
    post({ requestId, type: 'error', error: errorToWire(e, 'the fit worker') });
  }
};
