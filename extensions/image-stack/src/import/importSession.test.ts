import { importReducer, INITIAL_IMPORT, type ImportAction, type ImportSession } from './importSession';

const file = (name: string) => ({ name, size: 10 }) as unknown as File;
const run = (actions: ImportAction[], from: ImportSession = INITIAL_IMPORT) => actions.reduce(importReducer, from);

describe('importReducer', () => {
  it('a new set of files starts a new import: geometry is offered from the last one, never applied', () => {
    const typed = run([
      { type: 'files', files: [file('a1.bmp'), file('a2.bmp')] },
      { type: 'form', form: { ...INITIAL_IMPORT.form, spacingX: '0.5', spacingY: '0.5', sliceSpacing: '1.25' } },
      { type: 'reverse', value: true },
      { type: 'crop', crop: { x: 1, y: 2, width: 3, height: 4 }, width: 10, height: 10 },
    ]);
    const next = importReducer(typed, { type: 'files', files: [file('b1.png')] });
    expect(next.generation).toBe(typed.generation + 1);
    expect(next.form).toEqual(INITIAL_IMPORT.form);
    expect(next.reverse).toBe(false);
    expect(next.crop).toBeUndefined();
    expect(next.probing).toBe(true);
    expect(next.previousForm?.sliceSpacing).toBe('1.25');
    expect(importReducer(next, { type: 'usePreviousGeometry' }).form.spacingX).toBe('0.5');
  });

  it('drops results of work started for files no longer shown', () => {
    const a = run([{ type: 'files', files: [file('a.bmp')] }]);
    const b = importReducer(a, { type: 'files', files: [file('b.bmp')] });
    const late = importReducer(b, { type: 'probed', generation: a.generation, infos: [] });
    expect(late.infos).toBeNull();
    expect(late.probing).toBe(true);
    expect(importReducer(b, { type: 'probed', generation: b.generation, infos: [] }).infos).toEqual([]);
  });

  it('a ruler line and its length set the spacing through core (square pixels from one line)', () => {
    const s = run([
      { type: 'line', which: 'ruler1', line: { from: [10, 20], to: [110, 20] } },
      { type: 'rulerMm', which: 'ruler1', value: '50' },
    ]);
    expect(s.form.spacingX).toBe('0.5');
    expect(s.form.spacingY).toBe('0.5');
    expect(s.calibration.text).toMatch(/50 mm over 100.0 pixels: 0.5 mm per pixel/);
  });

  it('two ruler lines give non-square pixels', () => {
    const s = run([
      { type: 'line', which: 'ruler1', line: { from: [0, 0], to: [100, 0] } },
      { type: 'rulerMm', which: 'ruler1', value: '50' },
      { type: 'line', which: 'ruler2', line: { from: [0, 0], to: [0, 100] } },
      { type: 'rulerMm', which: 'ruler2', value: '80' },
    ]);
    expect([s.form.spacingX, s.form.spacingY]).toEqual(['0.5', '0.8']);
  });

  it('asks for the length before calibrating, and says why a line cannot be used', () => {
    const drawn = run([{ type: 'line', which: 'ruler1', line: { from: [5, 5], to: [5.5, 5] } }]);
    expect(drawn.calibration.text).toMatch(/Type the length/);
    const bad = importReducer(drawn, { type: 'rulerMm', which: 'ruler1', value: '10' });
    expect(bad.calibration.error).toBe(true);
    expect(bad.form.spacingX).toBe('');
  });

  it('a half-typed crop is text, not a crop: the last whole one stays until the fields are whole again', () => {
    const s = run([
      { type: 'wholeSize', width: 640, height: 480 },
      { type: 'cropText', key: 'x', value: '1' },
      { type: 'cropText', key: 'width', value: '' },
    ]);
    // x 1 with the whole width reaches past the slice: the plan says so, with the numbers
    expect(s.crop).toEqual({ x: 1, y: 0, width: 640, height: 480 });
    expect(s.cropText).toEqual({ x: '1', y: '0', width: '', height: '480' });
    const whole = importReducer(s, { type: 'cropText', key: 'width', value: '600' });
    expect(whole.crop).toEqual({ x: 1, y: 0, width: 600, height: 480 });
  });

  it('load progress, failure and cancel', () => {
    const started = run([{ type: 'loadStarted', total: 10, startedMs: 5 }, { type: 'loadProgress', done: 4, total: 10 }]);
    expect(started.progress).toEqual({ done: 4, total: 10, startedMs: 5 });
    expect(importReducer(started, { type: 'loadCancelled' })).toMatchObject({ progress: null, status: 'Loading cancelled: nothing was loaded.' });
    expect(importReducer(started, { type: 'loadFailed', error: { line: 'x.bmp: bad' } })).toMatchObject({ progress: null, loadError: { line: 'x.bmp: bad' } });
  });
});
