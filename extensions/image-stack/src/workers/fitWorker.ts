/// <reference lib="webworker" />
// The fit worker: persistent (one per loaded series), it keeps the prepared anatomy and devices
// between requests, so each placement is measured without rebuilding anything. It wraps
// FitEngine, which the unit tests run in-process.
import { errorToWire } from '@imagestack/core';
import { FitEngine } from '../fit/fitEngine';
import type { FitWorkerMessage, FitWorkerReply } from '../fit/fitProtocol';

const engine = new FitEngine();
const post = (reply: FitWorkerReply) => (self as unknown as Worker).postMessage(reply);

self.onmessage = (event: MessageEvent<FitWorkerMessage>) => {
  const { requestId, ...request } = event.data;
  try {
    post({ requestId, type: 'done', result: engine.handle(request) });
  } catch (e) {
    post({ requestId, type: 'error', error: errorToWire(e, 'the fit worker') });
  }
};
