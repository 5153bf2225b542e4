import { buildDriver } from './built-driver.js';
import { k8sTools } from './k8s-tools.js';

/**
 * vitest global setup, before any test file starts: one build of the driver, and helm and kubectl
 * for the render tests (fetched and unpacked on the first run after a fresh clone, see k8s-tools.ts),
 * so no test's timeout includes the download.
 */
export default async function setup(): Promise<void> {
  k8sTools();
  await buildDriver();
}
