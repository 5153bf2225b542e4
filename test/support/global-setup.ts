import { buildDriver } from './built-driver.js';

/** vitest global setup: one build of the driver before any test file starts. */
export default async function setup(): Promise<void> {
  await buildDriver();
}
