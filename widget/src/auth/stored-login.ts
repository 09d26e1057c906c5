/**
 * What the resident's element keeps in sessionStorage, so a reload picks up
 * a login: one record per backend and purpose, checked when read back.
 */
import { isAttachedSession, isStartedSession } from './session-check.js';
import type { Session, Via } from './state.js';
import type { AttachedSession } from '../shared/wire.js';

const VIAS: readonly string[] = ['popup', 'tab', 'redirect', 'chat'];

/** A login under way, kept so a reload picks it up. */
export interface Running {
  session: Session;
  via: Via;
}

/**
 * A finished login that kept a session at the auth plugin: what Logout and
 * activity reports need after a reload, and nothing else. Never the
 * attributes: the backend drops them soon after delivery, and personal data
 * does not belong in storage.
 */
export interface SignedIn {
  signedIn: true;
  backend: string;
  session: AttachedSession;
}

export type Stored = Running | SignedIn;

/** The page's sessionStorage, if it may be used. */
export function sessionStore(): Storage | undefined {
  try {
    return sessionStorage;
  } catch {
    return undefined; // sandboxed or storage disabled: no resume, still works
  }
}

export class StoredLogin {
  readonly #storage: () => Storage | undefined;
  readonly #backend: string;
  readonly #key: string;

  /** `storage` is asked each time: it may be missing (sandboxed, disabled). */
  constructor(storage: () => Storage | undefined, backend: string, purpose: string) {
    this.#storage = storage;
    this.#backend = backend;
    this.#key = `id-contact-auth ${backend} ${purpose}`;
  }

  remember(stored: Stored): void {
    try {
      this.#storage()?.setItem(this.#key, JSON.stringify(stored));
    } catch {
      // full or disabled storage only costs the resume after a reload
    }
  }

  forget(): void {
    try {
      this.#storage()?.removeItem(this.#key);
    } catch {
      // as above
    }
  }

  /**
   * The stored record, if it is sound. Any script on the page can write to
   * sessionStorage, so a record is checked as an answer from the backend is;
   * one that fails is dropped and the widget starts afresh, without an error:
   * it is not the resident's doing.
   */
  recall(): Stored | undefined {
    let value: unknown;
    try {
      value = JSON.parse(this.#storage()?.getItem(this.#key) ?? 'null');
    } catch {
      value = {}; // unreadable: dropped like any unsound record
    }
    if (value === null) return undefined;
    if (this.#sound(value as Partial<Running & SignedIn>)) return value as Stored;
    this.forget();
    return undefined;
  }

  /** Fields other than these are never read, so a record with extra ones is still sound. */
  #sound(value: Partial<Running & SignedIn>): boolean {
    const backend = this.#backend;
    const session = value?.session;
    if (!isAttachedSession(backend, session)) return false;
    if (value.signedIn === true) return value.backend === backend;
    const started = (session as Session).launch_url !== undefined;
    return (!started || isStartedSession(backend, session)) && VIAS.includes(value.via!);
  }
}
