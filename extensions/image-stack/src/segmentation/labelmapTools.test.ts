import {
  ACTIVATE_LABELMAP_VIEWPORT,
  HIDDEN_LABELMAP_TOOLS,
  LABELMAP_VIEWPORT_EVALUATOR,
  labelmapViewportId,
  mergeEvaluations,
  withLabelmapToolsFrom3D,
  withoutHiddenTools,
} from './labelmapTools';

// the shapes of OHIF 3.13.2's segmentation buttons and sections (cornerstone extension)
const brush = {
  id: 'Brush',
  props: {
    evaluate: [{ name: 'evaluate.cornerstone.segmentation', toolNames: ['CircularBrush', 'SphereBrush'] }],
    commands: { commandName: 'setToolActiveToolbar', commandOptions: { bindings: [{ mouseButton: 1 }] } },
  },
};
const bidirectional = {
  id: 'SegmentBidirectional',
  props: {
    evaluate: [{ name: 'evaluate.cornerstone.segmentation' }, { name: 'evaluate.cornerstone.hasSegmentationOfType', segmentationRepresentationType: 'Labelmap' }],
    commands: [{ commandName: 'activateSelectedSegmentationOfType', commandOptions: { segmentationRepresentationType: 'Labelmap' } }, 'runSegmentBidirectional'],
  },
};
const shapes = { id: 'Shapes', props: { evaluate: 'evaluate.cornerstone.segmentation', commands: 'setToolActiveToolbar' } };
const other = { id: 'WindowLevel', props: { evaluate: 'evaluate.cornerstoneTool', commands: 'setToolActiveToolbar' } };

test('labelmap tools get our evaluator around their own, and our command first with the same tool options', () => {
  const [b, d, s, o] = withLabelmapToolsFrom3D([brush, bidirectional, shapes, other]);
  expect(b.props.evaluate).toEqual({ name: LABELMAP_VIEWPORT_EVALUATOR, evaluators: brush.props.evaluate });
  expect(b.props.commands).toEqual([{ commandName: ACTIVATE_LABELMAP_VIEWPORT, commandOptions: brush.props.commands.commandOptions }, brush.props.commands]);
  expect(d.props.commands.slice(1)).toEqual(bidirectional.props.commands);
  expect(d.props.commands[0].commandOptions).toBe(bidirectional.props.commands[0].commandOptions);
  // a string evaluator and a string first command (OHIF then names the tool by the button id)
  expect(s.props.evaluate).toEqual({ name: LABELMAP_VIEWPORT_EVALUATOR, evaluators: ['evaluate.cornerstone.segmentation'] });
  expect(s.props.commands).toEqual([{ commandName: ACTIVATE_LABELMAP_VIEWPORT }, 'setToolActiveToolbar']);
  expect(o).toBe(other);
  expect(brush.props.evaluate[0].name).toBe('evaluate.cornerstone.segmentation'); // input untouched
});

test('applying it twice changes nothing more (the global and the per-series customization both apply it)', () => {
  const once = withLabelmapToolsFrom3D([brush, shapes]);
  expect(withLabelmapToolsFrom3D(once)).toEqual(once);
  expect(withLabelmapToolsFrom3D(undefined as any)).toBeUndefined();
});

test('hidden tools leave every section; the rest keep their order', () => {
  const sections = {
    LabelMapTools: ['LabelmapSlicePropagation', 'BrushTools', 'MarkerLabelmap', 'ClickSegment', 'Shapes', 'LabelMapEditWithContour'],
    LabelMapUtilities: ['InterpolateLabelmap', 'SegmentBidirectional'],
    BrushTools: ['Brush', 'Eraser', 'Threshold'],
  };
  expect(withoutHiddenTools(sections)).toEqual({ LabelMapTools: ['BrushTools', 'Shapes'], LabelMapUtilities: ['SegmentBidirectional'], BrushTools: ['Brush', 'Eraser', 'Threshold'] });
  expect(sections.LabelMapTools).toHaveLength(6);
  for (const reason of Object.values(HIDDEN_LABELMAP_TOOLS)) expect(reason.length).toBeGreaterThan(10);
});

test('the view a tool works in: the active 2D view; from 3D the last 2D view, else the first', () => {
  const grid = [
    { id: 'mpr-axial', is3D: false },
    { id: 'mpr-sagittal', is3D: false },
    { id: 'volume3d', is3D: true },
  ];
  expect(labelmapViewportId(grid, 'mpr-sagittal', 'mpr-axial')).toBe('mpr-sagittal');
  expect(labelmapViewportId(grid, 'volume3d', 'mpr-sagittal')).toBe('mpr-sagittal');
  expect(labelmapViewportId(grid, 'volume3d', undefined)).toBe('mpr-axial');
  expect(labelmapViewportId(grid, 'volume3d', 'gone')).toBe('mpr-axial');
  expect(labelmapViewportId([{ id: 'volume3d', is3D: true }], 'volume3d', undefined)).toBe('volume3d');
});

test('evaluations merge as OHIF merges them: disabled if any is', () => {
  expect(mergeEvaluations([undefined, { disabled: false, isActive: true }])).toEqual({ disabled: false, isActive: true });
  expect(mergeEvaluations([{ disabled: true, disabledText: 'x' }, { disabled: false }])).toEqual({ disabled: true, disabledText: 'x' });
  expect(mergeEvaluations([])).toEqual({});
});
