// compileOnce compiles a module once, on first use or ahead of it off the thread.
import { compileKernelsAhead, compileOnce, I32, oneFunctionModule } from './assemble';

const addOne = () => oneFunctionModule({ params: [I32], results: [I32], locals: [], body: [0x20, 0, 0x41, 1, 0x6a], exportName: 'f', shared: false });

test('compileKernelsAhead compiles asynchronously: the first use then takes that module and compiles nothing', async () => {
  const bytes = jest.fn(addOne);
  const get = compileOnce(bytes);
  const compile = jest.spyOn(WebAssembly, 'compile');
  const construct = jest.spyOn(WebAssembly, 'Module');
  try {
    compileKernelsAhead();
    expect(compile).toHaveBeenCalledTimes(1);
    await compile.mock.results[0].value;
    await Promise.resolve(); // compileOnce's then runs after the compile's promise settles
    const m = get();
    expect(m).toBe(await compile.mock.results[0].value);
    expect(construct).not.toHaveBeenCalled();
    compileKernelsAhead(); // once only
    expect(compile).toHaveBeenCalledTimes(1);
    expect(bytes).toHaveBeenCalledTimes(1);
    const run = new WebAssembly.Instance(m as WebAssembly.Module, { env: { memory: new WebAssembly.Memory({ initial: 1 }) } }).exports.f as (x: number) => number;
    expect(run(41)).toBe(42);
  } finally {
    compile.mockRestore();
    construct.mockRestore();
  }
});

test('a module used before its compile ahead finishes is compiled there, once, and keeps that one', async () => {
  const get = compileOnce(addOne);
  compileKernelsAhead();
  const now = get(); // synchronous, the asynchronous compile still pending
  expect(now).toBeInstanceOf(WebAssembly.Module);
  await new Promise(r => setTimeout(r, 50));
  expect(get()).toBe(now);
});

test('bytes that do not compile: null, ahead or not, and no unhandled rejection', async () => {
  const get = compileOnce(() => Uint8Array.of(0, 1, 2, 3));
  compileKernelsAhead();
  await new Promise(r => setTimeout(r, 50));
  expect(get()).toBeNull();
});
