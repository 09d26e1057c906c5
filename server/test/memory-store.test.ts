import { MemorySessionStore } from '../src/store/memory-store.ts';
import { describeSessionStore } from '../../testkit/session-store-contract.ts';

describeSessionStore('MemorySessionStore', () => new MemorySessionStore());
