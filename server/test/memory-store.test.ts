import { MemorySessionStore } from '../src/store/memory-store.ts';
import { describeSessionStore } from './support/session-store-contract.ts';

describeSessionStore('MemorySessionStore', () => new MemorySessionStore());
