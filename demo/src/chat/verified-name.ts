/**
 * What the scripted agent knows of the resident: the name the employee's side
 * received from the backend (`GET /agent/identities` with a host ticket), not
 * what the resident's page reported, which the resident could have changed.
 */
import type { TicketMinter } from './tickets.ts';

/** The result reaches the resident's stream and the employee's side together; allow a little slack. */
const WAIT_MS = 3000;
const POLL_MS = 100;
const REQUEST_TIMEOUT_MS = 2000;

interface Identity {
  status: string;
  attributes?: Record<string, unknown>;
  updated_at: string;
}

export async function verifiedName(backendUrl: string, tickets: TicketMinter, conversation: string): Promise<string | null> {
  const ticket = await tickets.mint('host', conversation, { expiresInSeconds: 60 });
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const name = await latestVerifiedName(backendUrl, ticket);
    if (name !== null || Date.now() >= deadline) return name;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function latestVerifiedName(backendUrl: string, ticket: string): Promise<string | null> {
  try {
    const response = await fetch(`${backendUrl}/agent/identities`, {
      headers: { Authorization: `Bearer ${ticket}` },
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (!response.ok) return null;
    const { identities } = (await response.json()) as { identities: Identity[] };
    const verified = identities.filter((identity) => identity.status === 'verified' && typeof identity.attributes?.fullname === 'string');
    verified.sort((a, b) => a.updated_at.localeCompare(b.updated_at));
    return (verified.at(-1)?.attributes?.fullname as string | undefined) ?? null;
  } catch {
    return null;
  }
}
