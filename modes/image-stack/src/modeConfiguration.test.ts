import extension from '@imagestack/extension-image-stack';
import fs from 'node:fs';
import path from 'node:path';
import { DATA_SOURCE_NAME, IDS, MODE_ID, OHIF_IDS, ROUTE_NAME } from '@imagestack/extension-image-stack/ids';
import { modeConfiguration } from './modeConfiguration';

test('the mode takes its id and route from the extension constants', () => {
  expect(modeConfiguration.id.$set).toBe(MODE_ID);
  expect(modeConfiguration.routeName.$set).toBe(ROUTE_NAME);
});

test('every panel id of ours that the mode uses is one the extension registers', () => {
  const panels = extension.getPanelModule({ servicesManager: { services: {} } } as any).map(
    (p: { name: string }) => `${extension.id}.panelModule.${p.name}`,
  );
  const used = modeConfiguration.routes[0].layoutInstance.props.rightPanels.$set.filter((id: string) => id !== OHIF_IDS.labelmapPanel);
  expect(used.length).toBeGreaterThan(0);
  for (const id of used) expect(panels).toContain(id);
  expect(IDS.workflowPanel).toBe(used[0]);
});

test('app-config.js loads our extension and mode and names our data source by its registered id', () => {
  const config = fs.readFileSync(path.resolve(__dirname, '../../../platform/app/public/app-config.js'), 'utf8');
  const sources = extension.getDataSourcesModule().map((d: { name: string }) => `${extension.id}.dataSourcesModule.${d.name}`);
  expect(sources).toContain(IDS.dataSource);
  expect(config).toContain(`namespace: '${IDS.dataSource}'`);
  expect(config).toContain(`defaultDataSourceName: '${DATA_SOURCE_NAME}'`);
  expect(config).toContain(`extensions: ['${extension.id}']`);
  expect(config).toContain(`modes: ['${MODE_ID}']`);
});

test('the volume-rendering utility the mode enters is one the extension registers', () => {
  const utilities = extension.getUtilityModule({ servicesManager: { services: {} }, extensionManager: {} } as any).map(
    (u: { name: string }) => `${extension.id}.utilityModule.${u.name}`,
  );
  expect(utilities).toContain(IDS.volumeRendering);
});

test('withVolumeRendering enters before the base mode (which registers the toolbar) and leaves after it', async () => {
  const { withVolumeRendering } = await import('./index');
  const calls: string[] = [];
  const extensionManager = {
    getModuleEntry: (id: string) => (id === IDS.volumeRendering ? { exports: { enter: () => (calls.push('enter'), { leave: () => calls.push('leave') }) } } : undefined),
  };
  const m = withVolumeRendering({ onModeEnter: () => calls.push('base enter'), onModeExit: () => calls.push('base exit') });
  m.onModeEnter!({ extensionManager });
  m.onModeExit!({ extensionManager });
  expect(calls).toEqual(['enter', 'base enter', 'base exit', 'leave']);
});
