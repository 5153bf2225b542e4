import { CachedAttachmentRepository } from '../../../src/adapters/attachments/cached-attachment-repository.js';
import { InMemoryAttachmentRecords } from '../../../src/adapters/memory/in-memory-attachment-records.js';
import { InMemoryAttachmentSource } from '../../../src/adapters/memory/in-memory-attachment-source.js';
import { attachmentRepositoryContract } from '../../contract/attachment-repository.contract.js';
import { RecordingLogger } from '../../support/recording-logger.js';

attachmentRepositoryContract('in-memory records (the embedded default)', async () => {
  const records = new InMemoryAttachmentRecords();
  const replica = () => new CachedAttachmentRepository(new InMemoryAttachmentSource(records), new RecordingLogger());
  const repository = replica();
  const peer = replica();
  await Promise.all([repository.sync(), peer.sync()]);
  return { repository, peer, replica, dispose: async () => undefined };
});
