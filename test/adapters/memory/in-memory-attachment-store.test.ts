import { InMemoryAttachmentStore } from '../../../src/adapters/memory/in-memory-attachment-store.js';
import { attachmentStoreContract } from '../../contract/attachment-store.contract.js';

attachmentStoreContract('in memory', async () => ({ store: new InMemoryAttachmentStore(), dispose: async () => {} }));
