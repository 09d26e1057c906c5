/**
 * The core's session options per purpose, cached briefly and shared by every
 * route of one app: `GET /session_options/:purpose` shows them, `POST /sessions`
 * checks the chosen auth method against them. Concurrent asks share one core
 * call; a purpose the core does not know is remembered for a while too.
 *
 * Icons: `image_path` is made absolute on the core's public URL; one that points
 * anywhere else (a full URL on another origin) is dropped (`image_url` ""): the
 * widget would otherwise make every resident's browser fetch from a host nobody
 * listed.
 */
import type { AppContext } from '../context.ts';
import { UnknownPurposeError } from './core-client.ts';
import type { SessionOptionsResponse } from '../protocol.ts';

export const PURPOSE_PATTERN = /^[A-Za-z0-9_.-]{1,100}$/;
/** How long "the core does not know this purpose" is believed. */
export const UNKNOWN_PURPOSE_CACHE_MS = 30_000;
/** Purposes remembered at most; the oldest entry goes first. */
const MAX_CACHED_PURPOSES = 1000;

export interface SessionOptionsCache {
  /** The answer for `purpose`, from the cache or the core; rejects with the core's error. */
  get(purpose: string): Promise<SessionOptionsResponse>;
  /** Whether an answer (or an unknown purpose) is cached: asking costs no core call. */
  has(purpose: string): boolean;
  /** The cached answer for `purpose` if there is one now; never calls the core. */
  peek(purpose: string): SessionOptionsResponse | undefined;
}

/** An app's context has one cache, made on first use (the routes get the same context). */
const caches = new WeakMap<AppContext, SessionOptionsCache>();

export function sessionOptionsCache(context: AppContext): SessionOptionsCache {
  let cache = caches.get(context);
  if (!cache) {
    cache = createSessionOptionsCache(context);
    caches.set(context, cache);
  }
  return cache;
}

/** `image_path` on the core's public URL; "" for one that would lead anywhere else. */
export function coreImageUrl(corePublicUrl: string, imagePath: string): string {
  const coreOrigin = new URL(corePublicUrl).origin;
  // Absolute (any scheme): taken only when it is http(s) on the core's own origin.
  const url = /^[a-z][a-z0-9+.-]*:/i.test(imagePath)
    ? imagePath
    : `${corePublicUrl}${imagePath.startsWith('/') ? '' : '/'}${imagePath}`;
  if (!URL.canParse(url)) return '';
  const parsed = new URL(url);
  return ['http:', 'https:'].includes(parsed.protocol) && parsed.origin === coreOrigin ? url : '';
}

function createSessionOptionsCache({ config, deps }: AppContext): SessionOptionsCache {
  /** `value`: the answer once it came, for peek. */
  const entries = new Map<string, { until: number; answer: Promise<SessionOptionsResponse>; value?: SessionOptionsResponse }>();

  async function fetchOptions(purpose: string): Promise<SessionOptionsResponse> {
    const options = await deps.core.sessionOptions(purpose);
    return {
      purpose,
      ...(options.name !== undefined ? { name: options.name } : {}),
      auth_methods: options.auth_methods.map((method) => ({
        tag: method.tag,
        name: method.name,
        image_url: coreImageUrl(config.corePublicUrl, method.image_path),
      })),
    };
  }

  function live(purpose: string) {
    const hit = entries.get(purpose);
    return hit && hit.until > deps.now().getTime() ? hit : undefined;
  }

  function cached(purpose: string): Promise<SessionOptionsResponse> | undefined {
    return live(purpose)?.answer;
  }

  function remember(purpose: string, answer: Promise<SessionOptionsResponse>, forMs: number): void {
    entries.delete(purpose);
    if (entries.size >= MAX_CACHED_PURPOSES) entries.delete(entries.keys().next().value!);
    entries.set(purpose, { until: deps.now().getTime() + forMs, answer });
  }

  return {
    has: (purpose) => cached(purpose) !== undefined,
    peek: (purpose) => live(purpose)?.value,
    get(purpose) {
      const hit = cached(purpose);
      if (hit) return hit;
      const answer = fetchOptions(purpose);
      remember(purpose, answer, deps.optionsCacheMs);
      answer.then((value) => {
        const entry = entries.get(purpose);
        if (entry?.answer === answer) entry.value = value;
      }, (error) => {
        if (entries.get(purpose)?.answer !== answer) return;
        // An unknown purpose stays known as such for a while; other failures are not remembered.
        if (error instanceof UnknownPurposeError) remember(purpose, answer, UNKNOWN_PURPOSE_CACHE_MS);
        else entries.delete(purpose);
      });
      return answer;
    },
  };
}
