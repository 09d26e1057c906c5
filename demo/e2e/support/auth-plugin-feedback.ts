/** Waiting for the session feedback the test auth plugin records (docs/protocol.md section 5). */
import type { SessionFeedbackType } from '../../../standins/auth-plugin/app.ts';
import type { AuthPluginStandin } from '../../../standins/auth-plugin/standin.ts';

/**
 * Resolves once the plugin has received `count` calls of `type`. The backend
 * sends them without the browser waiting, so nothing on the page says when;
 * the test's own timeout bounds the wait.
 */
export async function sessionFeedbackArrived(plugin: AuthPluginStandin, type: SessionFeedbackType, count = 1): Promise<void> {
  while (plugin.sessionFeedback.filter((call) => call.type === type).length < count) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
