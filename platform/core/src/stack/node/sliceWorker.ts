// The Node worker_threads entry: runs the same plain decode step as the browser's Web Worker.
import { readFile } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { createSliceDecoder, type SliceRequest, type DecodeSource } from '../decodeSlice';

async function readPath(source: DecodeSource): Promise<Uint8Array> {
  if (typeof source !== 'string') throw new Error('the Node decode worker reads file paths only');
  const b = await readFile(source);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

const decoder = createSliceDecoder(readPath);
parentPort?.on('message', async (req: SliceRequest) => {
  const { reply, transfer } = await decoder.handle(req);
  parentPort!.postMessage(reply, transfer);
});
