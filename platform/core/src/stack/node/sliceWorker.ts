// The Node worker_threads entry: runs the same plain decode step as the browser's Web Worker.
import { parentPort } from 'node:worker_threads';
import { createSliceDecoder, type SliceRequest } from '../decodeSlice';
import { createFileReader } from './fileReader';

const decoder = createSliceDecoder(createFileReader());
parentPort?.on('message', async (req: SliceRequest) => {
  const { reply, transfer } = await decoder.handle(req);
  parentPort!.postMessage(reply, transfer);
});
