// How much parallel CPU the machine gives right now: the same pure-CPU loop in 1 and in 2
// worker_threads at once, the least disturbed of three tries each; 2.0 is two free cores, 1.0 is
// one core's worth shared by both (sessions share this machine). `iterations`: the loop's length.
import { Worker } from 'node:worker_threads';

export async function parallelCapacity(iterations = 1e8) {
  const code = `const { parentPort } = require('node:worker_threads'); let x = 0; const t = Date.now(); for (let i = 0; i < ${iterations}; i++) x = (x + i * 7) | 0; parentPort.postMessage(Date.now() - t + (x & 0));`;
  const run = n =>
    Promise.all(Array.from({ length: n }, () => new Promise(resolve => {
      const w = new Worker(code, { eval: true });
      w.on('message', ms => {
        resolve(ms);
        void w.terminate();
      });
    })));
  let one = Infinity;
  let two = Infinity;
  for (let i = 0; i < 3; i++) {
    one = Math.min(one, (await run(1))[0]);
    two = Math.min(two, Math.max(...(await run(2))));
  }
  return Math.round(((2 * one) / two) * 100) / 100;
}
