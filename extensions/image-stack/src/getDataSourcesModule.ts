import { MODULE_NAMES } from './ids';
import { createImageStackDataSource } from './dataSource/createImageStackDataSource';

export default function getDataSourcesModule() {
  return [{ name: MODULE_NAMES.dataSource, type: 'webApi', createDataSource: createImageStackDataSource }];
}
