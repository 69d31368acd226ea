// Node only: the pool's spawn function for worker_threads.
import { Worker } from 'node:worker_threads';
import type { SpawnWorker } from '../pool';
import { builtWorkerScript } from './meshWorkers';

/** The compiled decode worker script (see builtWorkerScript). */
export function nodeWorkerScript(): string {
  return builtWorkerScript('sliceWorker.js', 'decode worker');
}

export const spawnNodeWorker: SpawnWorker = ({ onReply, onError }) => {
  const worker = new Worker(nodeWorkerScript());
  let terminating = false;
  worker.on('message', onReply);
  worker.on('error', onError);
  worker.on('exit', code => {
    if (!terminating && code !== 0) onError(new Error(`decode worker exited with code ${code}`));
  });
  return {
    post: (req, transfer) => worker.postMessage(req, transfer),
    terminate: () => {
      terminating = true;
      void worker.terminate();
    },
  };
};
