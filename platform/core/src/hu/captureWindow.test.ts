import {
  captureWindow,
  captureWindowFromRescale,
  captureWindowRescale,
  greyToHu,
  huRangeToGrey,
  huStep,
  huToGrey,
  NAMED_CAPTURE_WINDOWS,
  parseCaptureWindow,
  parseThresholdInUnits,
} from './captureWindow';

const bone = parseCaptureWindow('bone');

describe('grey ↔ HU', () => {
  test('grey 0 and 255 are the window edges; the step is width/255', () => {
    expect(greyToHu(bone, 0)).toBe(-450);
    expect(greyToHu(bone, 255)).toBe(1050);
    expect(huStep(bone)).toBeCloseTo(1500 / 255, 12);
    expect(greyToHu(parseCaptureWindow('wide'), 0)).toBe(-1000);
    expect(greyToHu(parseCaptureWindow('wide'), 255)).toBe(1000);
  });

  test.each(Object.keys(NAMED_CAPTURE_WINDOWS))('%s: every grey level goes to HU and back', name => {
    const w = parseCaptureWindow(name);
    for (let g = 0; g <= 255; g++) expect(huToGrey(w, greyToHu(w, g))).toBeCloseTo(g, 9);
    for (const hu of [w.level - w.width / 2, w.level, w.level + w.width / 4]) expect(greyToHu(w, huToGrey(w, hu))).toBeCloseTo(hu, 9);
  });

  test('the level is grey 127.5: between two levels', () => {
    expect(huToGrey(parseCaptureWindow('brain'), 40)).toBe(127.5);
  });
});

describe('parseCaptureWindow', () => {
  test('names and level,width', () => {
    expect(parseCaptureWindow('Lung')).toEqual({ level: -600, width: 1500, name: 'lung' });
    expect(parseCaptureWindow('brain')).toEqual({ level: 40, width: 80, name: 'brain' });
    expect(parseCaptureWindow('-600, 1500')).toEqual({ level: -600, width: 1500 });
    expect(parseCaptureWindow('40.5,400')).toEqual({ level: 40.5, width: 400 });
  });
  test.each(['', 'soft', '300', '300,', '300,0', '300,-5', '300;1500'])('refuses %p', text => {
    expect(() => parseCaptureWindow(text)).toThrow(/capture window/);
  });
  test('width must be above 0', () => {
    expect(() => captureWindow(0, 0)).toThrow(/above 0 HU/);
  });
});

test('a HU rescale gives its window back; other rescales none', () => {
  for (const w of [parseCaptureWindow('bone'), parseCaptureWindow('40,400'), parseCaptureWindow('-600,1500')]) {
    expect(captureWindowFromRescale(captureWindowRescale(w))).toEqual({ level: w.level, width: w.width, name: w.name ?? (w.level === -600 ? 'lung' : undefined) });
  }
  expect(captureWindowFromRescale({ slope: 1, intercept: 0, type: 'US' })).toBeUndefined();
  expect(captureWindowFromRescale(undefined)).toBeUndefined();
});

test('the DICOM rescale of a window', () => {
  const r = captureWindowRescale(bone);
  expect(r).toMatchObject({ slope: 1500 / 255, intercept: -450, type: 'HU' });
  expect(r.description).toMatch(/bone.*level 300 width 1500; quantisation step 5\.88235 HU/);
});

describe('HU ranges → grey', () => {
  test('bounds are inclusive: the grey levels whose HU lie inside', () => {
    // bone: grey g is -450 + g·5.882…; 226 HU is grey 114.92 → 115 is the first inside
    expect(huRangeToGrey(bone, 226)).toEqual([115, Infinity]);
    expect(greyToHu(bone, 114)).toBeLessThan(226);
    expect(greyToHu(bone, 115)).toBeGreaterThanOrEqual(226);
    // a bound exactly on a grey level keeps it on both sides
    expect(huRangeToGrey(bone, greyToHu(bone, 100), greyToHu(bone, 200))).toEqual([100, 200]);
  });
  test('clamped to the window; a range with no grey level is refused', () => {
    expect(huRangeToGrey(bone, -1000, 5000)).toEqual([0, 255]);
    expect(() => huRangeToGrey(bone, 1100)).toThrow(/no grey level .* lies in 1100–Infinity HU/);
    expect(() => huRangeToGrey(bone, 227, 228)).toThrow(/steps of 5\.882 HU/);
  });
});

describe('parseThresholdInUnits', () => {
  test('plain numbers stay grey levels, with or without a window', () => {
    expect(parseThresholdInUnits('100')).toEqual({ grey: [100, Infinity] });
    expect(parseThresholdInUnits('100:200')).toEqual({ grey: [100, 200] });
    const t = parseThresholdInUnits('100:200', bone);
    expect(t.grey).toEqual([100, 200]);
    expect(t.hu![0]).toBeCloseTo(-450 + (100 * 1500) / 255, 9);
  });
  test('HU with a unit', () => {
    expect(parseThresholdInUnits('226HU', bone)).toEqual({ grey: [115, Infinity], hu: [greyToHu(bone, 115), Infinity] });
    const lung = parseThresholdInUnits('-500HU:200hu', parseCaptureWindow('wide'));
    // wide: grey g = -1000 + g·2000/255; -500 HU = grey 63.75 → 64; 200 HU = grey 153 exactly
    expect(lung.grey).toEqual([64, 153]);
    expect(lung.hu![1]).toBeCloseTo(200, 9);
  });
  test('a mixed range keeps the grey bound as given', () => {
    expect(parseThresholdInUnits('226HU:250', bone).grey).toEqual([115, 250]);
  });
  test('HU without a window is refused, saying what to add', () => {
    expect(() => parseThresholdInUnits('226HU')).toThrow(/needs the capture window .*--capture-window/);
  });
  test.each(['', 'abc', '1:2:3', '5HUx', '200:100'])('refuses %p', text => {
    expect(() => parseThresholdInUnits(text, bone)).toThrow(/threshold/);
  });
});
