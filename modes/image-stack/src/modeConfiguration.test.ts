import extension from '@imagestack/extension-image-stack';
import { IDS, MODE_ID, ROUTE_NAME } from '@imagestack/extension-image-stack/ids';
import { modeConfiguration, LABELMAP_PANEL } from './modeConfiguration';

test('the mode takes its id and route from the extension constants', () => {
  expect(modeConfiguration.id.$set).toBe(MODE_ID);
  expect(modeConfiguration.routeName.$set).toBe(ROUTE_NAME);
});

test('every panel id of ours that the mode uses is one the extension registers', () => {
  const panels = extension.getPanelModule({ servicesManager: { services: {} } } as any).map(
    (p: { name: string }) => `${extension.id}.panelModule.${p.name}`,
  );
  const used = modeConfiguration.routes[0].layoutInstance.props.rightPanels.$set.filter((id: string) => id !== LABELMAP_PANEL);
  expect(used.length).toBeGreaterThan(0);
  for (const id of used) expect(panels).toContain(id);
  expect(IDS.workflowPanel).toBe(used[0]);
});
