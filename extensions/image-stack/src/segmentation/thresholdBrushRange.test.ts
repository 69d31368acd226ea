import { withThresholdBrushRange } from './thresholdBrushRange';

const buttons = [
  { id: 'Brush', props: { options: [{ id: 'brush-radius', min: 1, max: 99 }] } },
  {
    id: 'Threshold',
    props: {
      options: [
        { id: 'threshold-shape', value: 'ThresholdCircularBrush' },
        { id: 'threshold-range', type: 'double-range', min: -1000, max: 1000, step: 1, value: [50, 600] },
      ],
    },
  },
];

test('sets the threshold brush range to the 8-bit scale and leaves everything else as it was', () => {
  const out = withThresholdBrushRange(buttons);
  expect(out[1].props.options[1]).toEqual({ id: 'threshold-range', type: 'double-range', min: 0, max: 255, step: 1, value: [128, 255] });
  expect(out[0]).toBe(buttons[0]);
  expect(out[1].props.options[0]).toBe(buttons[1].props.options[0]);
  expect(buttons[1].props.options[1].min).toBe(-1000); // input untouched
});

test('tolerates a host without the button', () => {
  expect(withThresholdBrushRange([{ id: 'Other' }])).toEqual([{ id: 'Other' }]);
  expect(withThresholdBrushRange(undefined as any)).toBeUndefined();
});
