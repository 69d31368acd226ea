/**
 * The one place Web Workers are created. webpack bundles each worker from its
 * `new URL('./x.ts', import.meta.url)`; the unit tests (Node, no Web Workers, no import.meta
 * in CommonJS) map this module to tests/stubs/workers.cjs.
 */
export function spawnMeshWorker(): Worker {
  return new Worker(new URL('./meshWorker.ts', import.meta.url), { type: 'module' });
}

export function spawnDecodeWorker(): Worker {
  return new Worker(new URL('./decodeWorker.ts', import.meta.url), { type: 'module' });
}

export function spawnFitWorker(): Worker {
  return new Worker(new URL('./fitWorker.ts', import.meta.url), { type: 'module' });
}

/**
 * libjpeg-turbo's WebAssembly (core's JPEG decoder, platform/core/src/decode/jpegTurbo.ts):
 * webpack emits the file beside the plugins for this `new URL`, and the decode worker (and
 * any thread that decodes a JPEG) passes it to core's setJpegWasmSource.
 */
export function jpegWasmUrl(): URL {
  return new URL('@cwasm/jpeg-turbo/jpeg-turbo.wasm', import.meta.url);
}
