import { captureWindowOf, chosenValueRange, importReducer, INITIAL_IMPORT, loadGate, valueText, type ImportAction, type ImportSession } from './importSession';

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
    expect(s.form.spacingX).toBe('0.5000');
    expect(s.form.spacingY).toBe('0.5000');
    expect(s.calibration.text).toMatch(/50 mm over 100.0 pixels: 0.5000 mm per pixel/);
    expect(s.calibrationRecord).toEqual({ method: 'one-ruler', lines: [{ x0: 10, y0: 20, x1: 110, y1: 20, lengthMm: 50 }] });
  });

  it('two ruler lines give non-square pixels', () => {
    const s = run([
      { type: 'line', which: 'ruler1', line: { from: [0, 0], to: [100, 0] } },
      { type: 'rulerMm', which: 'ruler1', value: '50' },
      { type: 'line', which: 'ruler2', line: { from: [0, 0], to: [0, 100] } },
      { type: 'rulerMm', which: 'ruler2', value: '80' },
    ]);
    expect([s.form.spacingX, s.form.spacingY]).toEqual(['0.5000', '0.8000']);
    expect(s.calibrationRecord?.method).toBe('two-rulers');
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

  it('a gapped stack waits for the user: no policy until chosen, and a new set of files forgets it', () => {
    const s = run([{ type: 'files', files: [file('a1.bmp'), file('a3.bmp')] }]);
    expect(s.gapPolicy).toBeUndefined();
    const chosen = importReducer(s, { type: 'gapPolicy', policy: 'fill' });
    expect(chosen.gapPolicy).toBe('fill');
    expect(importReducer(chosen, { type: 'gapPolicy', policy: 'continuous' }).gapPolicy).toBe('continuous');
    expect(importReducer(chosen, { type: 'files', files: [file('b.bmp')] }).gapPolicy).toBeUndefined();
  });

  it('flip rows, flip columns and rotate compose into one SliceOrientation', () => {
    expect(run([{ type: 'flipRows' }]).orient).toEqual({ flip: 'rows', rotate: 0 });
    expect(run([{ type: 'flipRows' }, { type: 'flipColumns' }]).orient.flip).toBe('both');
    expect(run([{ type: 'flipRows' }, { type: 'flipColumns' }, { type: 'flipRows' }]).orient.flip).toBe('columns');
    expect(run([{ type: 'flipColumns' }, { type: 'flipColumns' }]).orient.flip).toBe('none');
    expect(run([{ type: 'rotate' }, { type: 'rotate' }, { type: 'rotate' }]).orient.rotate).toBe(270);
    expect(run([{ type: 'rotate' }, { type: 'rotate' }, { type: 'rotate' }, { type: 'rotate' }]).orient.rotate).toBe(0);
    expect(run([{ type: 'rotate', degrees: -90 }]).orient.rotate).toBe(270);
  });

  it('zoom steps from 1 to 8 and stops there', () => {
    const up = Array.from({ length: 10 }, () => ({ type: 'zoom', step: 1 }) as ImportAction);
    expect(run(up).zoom).toBe(8);
    expect(run([...up, { type: 'zoom', step: -1 }]).zoom).toBe(6);
    expect(run([{ type: 'zoom', step: -1 }]).zoom).toBe(1);
  });

  it('ruler ends can be typed (a half-typed number is not a line) and nudged by 0.1 px', () => {
    let s = run([{ type: 'rulerMm', which: 'ruler1', value: '50' }]);
    for (const [i, v] of ['10', '20', '110'].entries()) s = importReducer(s, { type: 'lineText', which: 'ruler1', index: i as 0 | 1 | 2, value: v });
    expect(s.lines.ruler1).toBeUndefined();
    s = importReducer(s, { type: 'lineText', which: 'ruler1', index: 3, value: '20' });
    expect(s.lines.ruler1).toEqual({ from: [10, 20], to: [110, 20] });
    expect(s.form.spacingX).toBe('0.5000');
    s = importReducer(s, { type: 'nudge', which: 'ruler1', end: 'to', dx: 0.1, dy: 0 });
    expect(s.lines.ruler1!.to).toEqual([110.1, 20]);
    expect(s.lineText.ruler1).toEqual(['10', '20', '110.1', '20']);
    expect(s.form.spacingX).toBe(String((50 / 100.1).toPrecision(4)));
    s = importReducer(s, { type: 'lineText', which: 'ruler1', index: 0, value: '1e' });
    expect(s.lines.ruler1!.from).toEqual([10, 20]);
    expect(importReducer(s, { type: 'nudge', which: 'ruler2', end: 'to', dx: 1, dy: 0 })).toBe(s);
  });

  it('a tick fit sets the spacing to 4 significant figures and is what the sidecar records; retyping makes it typed', () => {
    const fit = {
      spacingMm: 0.479912,
      lengthPx: 104.185,
      residualPx: 0.21,
      uncertaintyPct: 0.26,
      ticks: [{ x: 1, y: 2 }, { x: 3, y: 2 }],
      line: { x0: 1, y0: 2, x1: 105.185, y1: 2 },
      intervals: 5,
      tickSpacingPx: 20.837,
    };
    const s = run([{ type: 'ticksFitted', fit, lengthMm: 50 }]);
    expect(s.form.spacingX).toBe('0.4799');
    expect(s.form.spacingY).toBe('0.4799');
    expect(s.ticks.text).toMatch(/104\.19 px \(fitted\), residual 0\.21 px: 0\.4799 mm per pixel ± 0\.26 %/);
    expect(s.calibrationRecord).toMatchObject({ method: 'ticks', uncertaintyPct: 0.26, ticks: 2 });
    expect(importReducer(s, { type: 'form', form: { ...s.form, sliceSpacing: '1' } }).calibrationRecord?.method).toBe('ticks');
    expect(importReducer(s, { type: 'form', form: { ...s.form, spacingX: '0.5' } }).calibrationRecord).toBeUndefined();
    // moving the line makes the fit stale
    expect(importReducer(s, { type: 'line', which: 'ruler1', line: { from: [0, 0], to: [9, 0] } }).ticks.fit).toBeUndefined();
  });

  it('the overlay check proposes a crop that the user accepts (then edits in the crop fields)', () => {
    const finding = { mask: new Uint8Array(4), width: 2, height: 2, fraction: 0.25, boxes: [], crop: { x: 0, y: 1, width: 2, height: 1 }, sampled: 4 };
    const s = run([{ type: 'files', files: [file('a.bmp')] }]);
    expect(importReducer(s, { type: 'overlays', generation: s.generation - 1, finding }).overlays).toBeUndefined();
    const found = importReducer(s, { type: 'overlays', generation: s.generation, finding });
    const accepted = importReducer(found, { type: 'acceptOverlayCrop' });
    expect(accepted.crop).toEqual({ x: 0, y: 1, width: 2, height: 1 });
    expect(accepted.cropText).toEqual({ x: '0', y: '1', width: '2', height: '1' });
    expect(importReducer(accepted, { type: 'cropText', key: 'width', value: '1' }).crop).toEqual({ x: 0, y: 1, width: 1, height: 1 });
  });
});

describe('importReducer: the autosaved session', () => {
  const record = (kind: 'sample' | 'files') =>
    ({
      description: 'IMG',
      savedAt: new Date(2026, 0, 1, 9, 5).getTime(),
      dims: { columns: 1, rows: 1, slices: 40 },
      source: kind === 'sample' ? { kind } : { kind, files: [], firstSlice: { name: 'a', hash: 'h' } },
    }) as any;

  it('is offered, asks for the files, and stays on offer when other files are dropped', () => {
    const offered = run([{ type: 'savedSession', record: record('files') }]);
    expect(offered.restore).toMatchObject({ phase: 'offered', offer: 'Restore IMG (40 slices, saved 09:05)' });
    const asked = importReducer(offered, { type: 'restoreNeedsFiles', line: 'pick them again' });
    expect(asked.restore).toMatchObject({ phase: 'needFiles', line: 'pick them again', lineIsError: false });
    expect(importReducer(asked, { type: 'files', files: [file('x.bmp')] }).restore?.phase).toBe('needFiles');
  });

  it('a failed restore of files asks for files again with the reason; of the sample, offers it again', () => {
    const files = run([{ type: 'savedSession', record: record('files') }, { type: 'restoreStarted' }, { type: 'restoreProgress', done: 3, total: 40 }]);
    expect(files.restore).toMatchObject({ phase: 'restoring', progress: { done: 3, total: 40 } });
    expect(importReducer(files, { type: 'restoreFailed', line: 'not the same files' }).restore).toMatchObject({ phase: 'needFiles', line: 'not the same files', lineIsError: true });
    const sample = run([{ type: 'savedSession', record: record('sample') }, { type: 'restoreStarted' }, { type: 'restoreFailed', line: 'x' }]);
    expect(sample.restore?.phase).toBe('offered');
    expect(importReducer(sample, { type: 'restoreDiscarded' }).restore).toBeNull();
  });

  it('handles come with the files they belong to, and a new drop without them forgets them', () => {
    const handles = { kind: 'directory' as const, handles: [{}] };
    const a = run([{ type: 'files', files: [file('a.bmp')], handles }]);
    expect(a.handles).toBe(handles);
    expect(importReducer(a, { type: 'files', files: [file('b.bmp')] }).handles).toBeUndefined();
  });

  describe('capture window', () => {
    it('none by default: grey levels, nothing to explain', () => {
      expect(INITIAL_IMPORT.captureWindow.choice).toBe('none');
      expect(captureWindowOf(INITIAL_IMPORT.captureWindow)).toEqual({});
    });

    it('a named window fills in its level and width and keeps its name', () => {
      const s = run([{ type: 'captureWindow', choice: 'bone' }]);
      expect(s.captureWindow).toEqual({ choice: 'bone', level: '300', width: '1500' });
      const w = captureWindowOf(s.captureWindow);
      expect(w.window).toEqual({ level: 300, width: 1500, name: 'bone' });
      expect(w.explains).toMatch(/Grey 0 reads as -450 HU, grey 255 as 1050 HU, 5\.88 HU a grey level/);
      expect(captureWindowOf(run([{ type: 'captureWindow', choice: 'lung' }]).captureWindow).window).toEqual({ level: -600, width: 1500, name: 'lung' });
      expect(captureWindowOf(run([{ type: 'captureWindow', choice: 'brain' }]).captureWindow).window).toEqual({ level: 40, width: 80, name: 'brain' });
      expect(captureWindowOf(run([{ type: 'captureWindow', choice: 'wide' }]).captureWindow).window).toEqual({ level: 0, width: 2000, name: 'wide' });
    });

    it('editing a named window makes it the user\'s own (no name); custom starts from the numbers shown', () => {
      const s = run([
        { type: 'captureWindow', choice: 'bone' },
        { type: 'captureWindowText', key: 'width', value: '2000' },
      ]);
      expect(s.captureWindow).toEqual({ choice: 'custom', level: '300', width: '2000' });
      expect(captureWindowOf(s.captureWindow).window).toEqual({ level: 300, width: 2000 });
      expect(run([{ type: 'captureWindow', choice: 'lung' }, { type: 'captureWindow', choice: 'custom' }]).captureWindow).toEqual({ choice: 'custom', level: '-600', width: '1500' });
    });

    it('a half-typed or impossible window is a problem, not a window; none clears it', () => {
      const half = run([{ type: 'captureWindow', choice: 'custom' }, { type: 'captureWindowText', key: 'level', value: '40' }]);
      expect(captureWindowOf(half.captureWindow)).toEqual({ problem: expect.stringMatching(/level and width in HU/) });
      const zero = importReducer(half, { type: 'captureWindowText', key: 'width', value: '0' });
      expect(captureWindowOf(zero.captureWindow).problem).toMatch(/width must be above 0 HU/);
      expect(importReducer(zero, { type: 'captureWindow', choice: 'none' }).captureWindow).toEqual(INITIAL_IMPORT.captureWindow);
    });

    it('a new set of files starts without one (the new captures may have another window)', () => {
      const s = run([{ type: 'captureWindow', choice: 'bone' }, { type: 'files', files: [file('b1.png')] }]);
      expect(s.captureWindow.choice).toBe('none');
    });
  });
});

describe('importReducer: the value window of real-valued slices', () => {
  const measured = { min: -1024.5, max: 3071.25, low: -1000.123456789, high: 2999.5, source: 'percentiles' as const, percentiles: [0.1, 99.9] as [number, number], sampled: ['ct1.tif', 'ct5.tif'] };

  it('defaults to the sample\'s percentiles, once they are measured for these files', () => {
    const a = run([{ type: 'files', files: [file('ct1.tif')] }]);
    expect(chosenValueRange(a)).toBeUndefined();
    const measuredA = importReducer(a, { type: 'valueSample', generation: a.generation, range: measured });
    expect(measuredA.values).toMatchObject({ low: '-1000.12', high: '2999.5' });
    expect(chosenValueRange(measuredA)).toEqual({ low: -1000.12, high: 2999.5 });
    // a sample measured for older files is dropped
    const b = importReducer(a, { type: 'files', files: [file('other.tif')] });
    expect(importReducer(b, { type: 'valueSample', generation: a.generation, range: measured }).values.measured).toBeUndefined();
  });

  it('the user chooses the window; half-typed or reversed numbers are not a window, with the reason; the default comes back in one step', () => {
    const s = run([
      { type: 'files', files: [file('ct1.tif')] },
      { type: 'valueSample', generation: 1, range: measured },
      { type: 'valueRangeText', key: 'low', value: '-200' },
      { type: 'valueRangeText', key: 'high', value: '1500' },
    ]);
    expect(chosenValueRange(s)).toEqual({ low: -200, high: 1500 });
    expect(chosenValueRange(importReducer(s, { type: 'valueRangeText', key: 'high', value: '' }))).toEqual({ error: 'Type two numbers: the values mapped to black and to white.' });
    expect(chosenValueRange(importReducer(s, { type: 'valueRangeText', key: 'high', value: '-300' }))).toEqual({
      error: 'The value mapped to white (-300) must be larger than the one mapped to black (-200).',
    });
    const back = importReducer(s, { type: 'valueRangeDefault' });
    expect(chosenValueRange(back)).toEqual({ low: -1000.12, high: 2999.5 });
    // a new set of files forgets the window with the sample
    expect(importReducer(back, { type: 'files', files: [file('x.tif')] }).values).toEqual({ low: '', high: '' });
  });

  it('shows values with six significant digits', () => {
    expect([valueText(0.000123456789), valueText(-1000.123456), valueText(65535), valueText(1e-12)]).toEqual(['0.000123457', '-1000.12', '65535', '1e-12']);
  });
});

describe('loadGate', () => {
  const plan = (width: number, height: number, slices: number) =>
    ({ crop: { x: 0, y: 0, width, height }, downsample: 1, orient: { flip: 'none', rotate: 0 }, slices: Array.from({ length: slices }), bitDepth: 8 }) as unknown as import('@imagestack/core').StackPlan;
  const limits = { max3DTextureSize: 2048, budgetBytes: 100 * 2 ** 20, budgetSource: 'test' };

  it('lets a volume that fits load, and blocks one that does not with the reason until the user overrides', () => {
    const s = run([{ type: 'limits', limits }]);
    expect(loadGate(s, plan(1000, 1000, 50)).blocked).toBe('');
    const big = loadGate(s, plan(1000, 1000, 200));
    expect(big.fit?.problems.map(p => p.kind)).toEqual(['memory']);
    expect(big.blocked).toMatch(/^Too large for this browser: the 8-bit volume needs about 191 MiB, over this tab's budget of 100 MiB \(test\)\. Crop or downsample \(below\), or tick "Load anyway"/);
    const overridden = importReducer(s, { type: 'overLimits', value: true });
    expect(loadGate(overridden, plan(1000, 1000, 200)).blocked).toBe('');
    // a new size is a new decision: the override is cleared
    expect(importReducer(overridden, { type: 'downsample', value: 2 }).overLimits).toBe(false);
    expect(importReducer(overridden, { type: 'crop', crop: { x: 0, y: 0, width: 10, height: 10 }, width: 1000, height: 1000 }).overLimits).toBe(false);
    const typed = { ...overridden, cropText: { x: '0', y: '0', width: '1000', height: '1000' } };
    expect(importReducer(typed, { type: 'cropText', key: 'width', value: '900' }).overLimits).toBe(false);
    // the browser's limits stay known for the next set of files; the override does not
    const next = importReducer(overridden, { type: 'files', files: [file('x.bmp')] });
    expect(next.limits).toEqual(limits);
    expect(next.overLimits).toBe(false);
  });

  it('says nothing before the limits or the plan are known', () => {
    expect(loadGate(INITIAL_IMPORT, plan(10, 10, 1))).toEqual({ fit: null, blocked: '' });
    expect(loadGate(run([{ type: 'limits', limits }]), undefined)).toEqual({ fit: null, blocked: '' });
  });
});
