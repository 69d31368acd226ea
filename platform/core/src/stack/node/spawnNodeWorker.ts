// Node only: the pool's spawn function for worker_threads.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SpawnWorker } from '../pool';

/**
 * The compiled worker script. Beside this file in dist/; when this module runs from src/
 * (under jest), the compiled copy in dist/ (build with `npx tsc -b` first).
 */
export function nodeWorkerScript(): string {
  const here = path.join(__dirname, 'sliceWorker.js');
  if (existsSync(here)) return here;
  const built = path.resolve(__dirname, '../../../dist/stack/node/sliceWorker.js');
  if (existsSync(built)) return built;
  throw new Error(`the decode worker script is not built (looked for ${here} and ${built}); run \`npx tsc -b\``);
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
