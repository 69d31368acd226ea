import { makeHeadPhantom, STACK_PRESET_NAMES, voxelHistogram, type VolumeRenderingPreset } from '@imagestack/core';
import { enterStackVolumeRendering, SEGMENTATION_BUTTONS_CUSTOMIZATION, menuPresets, presetsForSeries, PROTOCOLS_WITH_3D, upsertViewportPresets, VOLUME_RENDERING_CUSTOMIZATION, withDefault3DPreset } from './stackVolumePresets';

const { stack } = makeHeadPhantom({ columns: 48, rows: 60, slices: 30 });
const series = { stack, histogram: voxelHistogram(stack.voxels) } as any;
const stock = (name: string) => ({ name }) as VolumeRenderingPreset;

/** The shape of OHIF's mprAnd3DVolumeViewport: one 3D viewport with a displayPreset, one MPR viewport without. */
const protocol3d = () => ({
  id: 'mprAnd3DVolumeViewport',
  stages: [
    {
      viewports: [
        { viewportOptions: { viewportType: 'volume3d' }, displaySets: [{ id: 'activeDisplaySet', options: { displayPreset: { CT: 'CT-Bone', MR: 'MR-Default', default: 'CT-Bone' } } }] },
        { viewportOptions: { viewportType: 'volume' }, displaySets: [{ id: 'activeDisplaySet' }] },
      ],
    },
  ],
});

test('the phantom gets bone as its default, from its own histogram', () => {
  const r = presetsForSeries(series);
  expect(r.presets.map(p => p.name)).toEqual([STACK_PRESET_NAMES.bone, STACK_PRESET_NAMES.softTissue, STACK_PRESET_NAMES.air]);
  expect(r.defaultPreset).toBe(STACK_PRESET_NAMES.bone);
});

test("ours join the host's list by name, replacing the previous series' and nothing else", () => {
  const host = [stock('CT-Bone'), stock('MR-Default')];
  const first = presetsForSeries(series).presets;
  upsertViewportPresets(host, first);
  upsertViewportPresets(host, first.map(p => ({ ...p, ambient: '0.5' })));
  expect(host.map(p => p.name)).toEqual(['CT-Bone', 'MR-Default', ...first.map(p => p.name)]);
  expect(host.at(-1)!.ambient).toBe('0.5');
  expect(menuPresets(first, host).map(p => p.name)).toEqual([...first.map(p => p.name), 'CT-Bone', 'MR-Default']);
});

test('3D layouts open CT with our default; MR, other options and the original are kept', () => {
  const p = protocol3d();
  const ours = withDefault3DPreset(p, STACK_PRESET_NAMES.softTissue);
  expect(ours.stages[0].viewports[0].displaySets[0].options.displayPreset).toEqual({ CT: STACK_PRESET_NAMES.softTissue, MR: 'MR-Default', default: 'CT-Bone' });
  expect(ours.stages[0].viewports[1]).toEqual(p.stages[0].viewports[1]);
  expect(p.stages[0].viewports[0].displaySets[0].options.displayPreset.CT).toBe('CT-Bone');
  const flat = { id: 'mpr', stages: [{ viewports: [{ displaySets: [{ id: 'x' }] }] }] };
  expect(withDefault3DPreset(flat, 'any')).toBe(flat);
});

test('entering sets the customization and the layouts; leaving restores the layouts', () => {
  const host = [stock('CT-Bone')];
  const protocols = new Map<string, any>([['mprAnd3DVolumeViewport', protocol3d()], ['mpr', { id: 'mpr', stages: [] }]]);
  const original = protocols.get('mprAnd3DVolumeViewport');
  const set: Array<[string, any]> = [];
  const services = {
    imageStackService: { latest: () => series },
    customizationService: { getCustomization: () => undefined, setGlobalCustomization: (id: string, v: unknown) => set.push([id, v]) },
    hangingProtocolService: {
      getProtocolById: (id: string) => {
        if (!protocols.has(id)) throw new Error(`No protocol ${id} found`);
        return protocols.get(id);
      },
      addProtocol: (id: string, p: unknown) => protocols.set(id, p),
    },
  };
  const { defaultPreset, leave } = enterStackVolumeRendering(services, host);
  expect(defaultPreset).toBe(STACK_PRESET_NAMES.bone);
  expect(set.map(([id]) => id)).toEqual([SEGMENTATION_BUTTONS_CUSTOMIZATION, VOLUME_RENDERING_CUSTOMIZATION]);
  // OHIF's threshold brush on the phantom's 0–255, starting at its bone class
  const threshold = { id: 'Threshold', props: { options: [{ id: 'threshold-range', min: -1000, max: 1000, value: [50, 600] }] } };
  const [brush] = set[0][1].$apply([threshold]);
  expect(brush.props.options[0]).toMatchObject({ min: 0, max: 255, step: 1, value: [155, 255] });
  expect(set[1][1].volumeRenderingPresets.$set.map((p: VolumeRenderingPreset) => p.name)).toEqual([STACK_PRESET_NAMES.bone, STACK_PRESET_NAMES.softTissue, STACK_PRESET_NAMES.air, 'CT-Bone']);
  expect(host.map(p => p.name)).toContain(STACK_PRESET_NAMES.bone);
  expect(protocols.get('mprAnd3DVolumeViewport').stages[0].viewports[0].displaySets[0].options.displayPreset.CT).toBe(STACK_PRESET_NAMES.bone);
  expect(PROTOCOLS_WITH_3D).toContain('mprAnd3DVolumeViewport');
  leave();
  expect(protocols.get('mprAnd3DVolumeViewport')).toBe(original);
});

test('without a loaded series nothing changes', () => {
  const host = [stock('CT-Bone')];
  const services = { imageStackService: { latest: () => undefined } } as any;
  const r = enterStackVolumeRendering(services, host);
  expect(r.defaultPreset).toBeUndefined();
  r.leave();
  expect(host).toHaveLength(1);
});
