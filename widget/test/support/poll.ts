/**
 * Browser side of both elements' tests: poll a check every 20 ms until it
 * gives a value, or fail naming what was awaited. browser.ts (waitFor) and
 * agent.ts (until) both use it.
 */
export async function poll<T>(
  check: () => T | undefined | false | null | Promise<T | undefined | false | null>,
  what: string,
  timeoutMs = 8000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
