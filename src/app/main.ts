import { PinoLogger } from '../adapters/logging/pino-logger.js';
import { defaultConfig } from './config.js';
import { buildContainer } from './container.js';
import { RebuildAttachments } from './use-cases/rebuild-attachments.js';

/** Entry point. Until the CSI gRPC server lands, it starts the attachment core and reports on it. */
const config = defaultConfig();
const logger = PinoLogger.create({ level: config.logLevel, service: 'rds-csi' });
const container = buildContainer(config, { logger });
const summary = await container.get(RebuildAttachments).execute();
logger.info('attachment core ready; the CSI gRPC server is not built yet', { ...summary });
logger.flush();
