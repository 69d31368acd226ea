// libjpeg-turbo (the C decoder of 2019's 2.0 line) compiled to WebAssembly, from the npm
// package @cwasm/jpeg-turbo (156 KB, its TurboJPEG API only). Every valid baseline and
// progressive JPEG of the conformance suites decodes to exactly what Pillow's libjpeg-turbo
// gives (ISLOW IDCT, fancy upsampling), which is what browsers show; jpeg-js was off by up to
// 47 levels on colour files and refused two valid ones.
//
// Loading: in Node the .wasm file is read from the package (synchronously, on first use). In
// a browser, whoever bundles the code says where the file is with setJpegWasmSource (the
// extension's decode worker does: webpack emits the file for `new URL(…, import.meta.url)`),
// and prepareJpegDecoder() compiles and instantiates it asynchronously (browsers refuse
// synchronous compilation of more than 4 KB on the main thread).
//
// The package's setjmp always returns 0 and its longjmp is ours: a libjpeg error throws a JS
// exception through the wasm stack, which leaves that instance's stack pointer unusable, so
// the instance is dropped after any error and a new one made from the compiled module.
import { ImageStackError } from '../errors';

// The few WebAssembly JS API members used (core's lib has no DOM or WebAssembly types).
interface WasmModule {
  readonly __wasmModule?: never;
}
interface WasmApi {
  Module: new (bytes: ArrayBuffer | Uint8Array) => WasmModule;
  Instance: new (m: WasmModule, imports: object) => { exports: unknown };
  compile(bytes: ArrayBuffer | Uint8Array): Promise<WasmModule>;
  instantiate(m: WasmModule, imports: object): Promise<{ exports: unknown }>;
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface TurboExports {
  memory: { buffer: ArrayBuffer };
  malloc(n: number): number;
  free(p: number): void;
  tjInitDecompress(): number;
  tjDestroy(h: number): number;
  tjDecompressHeader3(h: number, buf: number, size: number, w: number, hgt: number, subsamp: number, colourspace: number): number;
  tjDecompress2(h: number, buf: number, size: number, dst: number, w: number, pitch: number, hgt: number, pixelFormat: number, flags: number): number;
}

/** TurboJPEG pixel formats. */
export const TJPF_RGB = 0;
export const TJPF_GRAY = 6;

/**
 * Where libjpeg-turbo's TurboJPEG layer keeps the text of the last error or warning in this
 * build (its static errStr buffer): found by decoding damaged files, pinned with the
 * package's exact version, checked by jpeg.test.ts.
 */
const ERR_STR_ADDR = 12176;

class LongJump extends Error {}

const imports = {
  env: {
    setjmp: () => 0,
    longjmp: () => {
      throw new LongJump('libjpeg error');
    },
  },
  wasi_snapshot_preview1: {
    environ_sizes_get: () => 0,
    environ_get: () => 0,
    proc_exit: () => {
      throw new LongJump('libjpeg exit');
    },
    fd_close: () => 0,
    fd_seek: () => 0,
    fd_write: () => 0,
  },
};

type WasmSource = () => Promise<ArrayBuffer | Uint8Array | WasmModule | { arrayBuffer(): Promise<ArrayBuffer> }>;

let source: WasmSource | undefined;
let compiled: WasmModule | undefined;
let compiling: Promise<WasmModule> | undefined;
let live: TurboExports | undefined;

/** Tell the decoder where its .wasm is (browser bundles): a function returning its bytes, a Response or a compiled module. */
export function setJpegWasmSource(load: WasmSource): void {
  source = load;
}

declare const process: { versions?: { node?: string } } | undefined;

/** Node: the package's file, read synchronously. Not reached in a browser bundle. */
function nodeModule(): WasmModule | null {
  if (typeof process === 'undefined' || !process?.versions?.node) return null;
  // A direct eval keeps bundlers from following this Node-only require (it never runs in a browser).
  // eslint-disable-next-line no-eval
  const req = eval('require') as NodeRequire;
  const fs = req('node:fs') as typeof import('node:fs');
  return new WA.Module(fs.readFileSync(req.resolve('@cwasm/jpeg-turbo/jpeg-turbo.wasm')));
}

async function compile(): Promise<WasmModule> {
  if (!source) {
    const m = nodeModule();
    if (m) return m;
    throw new ImageStackError('unsupported-format', 'the JPEG decoder (WebAssembly) was not set up in this page: setJpegWasmSource was never called');
  }
  const got = await source();
  if (got instanceof WA.Module) return got as WasmModule;
  const bytes = got instanceof ArrayBuffer || got instanceof Uint8Array ? got : await got.arrayBuffer();
  return WA.compile(bytes as ArrayBuffer | Uint8Array);
}

/** Compile and instantiate ahead of a decode, asynchronously (required on a browser's main thread). */
export async function prepareJpegDecoder(): Promise<void> {
  if (live) return;
  compiled ??= await (compiling ??= compile());
  live = (await WA.instantiate(compiled, imports)).exports as unknown as TurboExports;
}

function exportsNow(name: string): TurboExports {
  if (live) return live;
  try {
    compiled ??= source ? undefined : (nodeModule() ?? undefined);
    if (!compiled) throw new Error('not prepared');
    live = new WA.Instance(compiled, imports).exports as unknown as TurboExports;
    return live;
  } catch (e) {
    if (e instanceof ImageStackError) throw e;
    throw new ImageStackError('unsupported-format', 'the JPEG decoder is not ready (await prepareJpegDecoder() before decoding here)', name);
  }
}

function lastMessage(x: TurboExports): string {
  const mem = new Uint8Array(x.memory.buffer, ERR_STR_ADDR, 200);
  let s = '';
  for (let i = 0; i < mem.length && mem[i] !== 0; i++) {
    const c = mem[i];
    if (c < 32 || c > 126) return '';
    s += String.fromCharCode(c);
  }
  return s;
}

export interface TurboResult {
  width: number;
  height: number;
  data: Uint8Array;
  /** libjpeg's warning (a corrupt-data warning libjpeg decoded past), or '' when it had none. */
  warning: string;
}

/**
 * Decode with libjpeg-turbo to RGB or grey (TJPF_RGB / TJPF_GRAY). Throws an
 * ImageStackError naming `name` with libjpeg's message on an error; a warning (libjpeg went
 * on) is returned for the caller to judge. `expected` is the frame size the caller validated
 * (the output is allocated for it, nothing larger).
 */
export function turboDecode(bytes: Uint8Array, name: string, pixelFormat: number, expected: { width: number; height: number }): TurboResult {
  const x = exportsNow(name);
  const channels = pixelFormat === TJPF_GRAY ? 1 : 3;
  let handle = 0;
  let input = 0;
  let meta = 0;
  let out = 0;
  let failed = false;
  try {
    input = x.malloc(bytes.length);
    meta = x.malloc(16);
    if (!input || !meta) throw new ImageStackError('too-large', 'not enough memory to decode this JPEG', name);
    new Uint8Array(x.memory.buffer, input, bytes.length).set(bytes);
    handle = x.tjInitDecompress();
    if (!handle) throw new ImageStackError('too-large', 'not enough memory to decode this JPEG', name);
    let warning = '';
    if (x.tjDecompressHeader3(handle, input, bytes.length, meta, meta + 4, meta + 8, meta + 12) !== 0) {
      warning = lastMessage(x);
      const [w0, h0, ss] = new Int32Array(x.memory.buffer, meta, 3);
      if (!(w0 > 0 && h0 > 0 && ss >= 0)) throw new ImageStackError('corrupt', `JPEG header could not be read (${warning || 'libjpeg-turbo refused it'})`, name);
    }
    const [w, h] = new Int32Array(x.memory.buffer, meta, 2);
    if (w !== expected.width || h !== expected.height) {
      throw new ImageStackError('corrupt', `JPEG frame is ${w} × ${h} to libjpeg, ${expected.width} × ${expected.height} to its header`, name);
    }
    const size = w * h * channels;
    out = x.malloc(size);
    if (!out) throw new ImageStackError('too-large', `not enough memory to decode this ${w} × ${h} JPEG`, name);
    if (x.tjDecompress2(handle, input, bytes.length, out, w, w * channels, h, pixelFormat, 0) !== 0) warning = lastMessage(x) || warning || 'libjpeg-turbo reported a problem';
    const data = new Uint8Array(size);
    data.set(new Uint8Array(x.memory.buffer, out, size));
    return { width: w, height: h, data, warning };
  } catch (e) {
    failed = true;
    if (e instanceof LongJump) throw new ImageStackError('corrupt', `JPEG could not be decoded (${lastMessage(x) || 'libjpeg-turbo error'})`, name);
    if (e instanceof ImageStackError) throw e;
    throw new ImageStackError('corrupt', `JPEG could not be decoded (${(e as Error).message})`, name);
  } finally {
    if (failed) {
      // The wasm stack was unwound by an exception: this instance is spent.
      live = undefined;
    } else {
      if (handle) x.tjDestroy(handle);
      if (out) x.free(out);
      if (meta) x.free(meta);
      if (input) x.free(input);
      // Give back the memory a large image grew (a new instance starts small).
      if (x.memory.buffer.byteLength > 256 * 2 ** 20) live = undefined;
    }
  }
}
