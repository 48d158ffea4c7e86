import { notifyAppEvent } from '../../webhooks/notifyApp.js';
import type { WebhookDelivery } from '../../webhooks/webhookDelivery.js';
import type { WebhookRepository } from '../../webhooks/webhookRepository.js';
import type { ActionHandler } from './actionHandler.js';

/**
 * Tells the app backend that the session has finished: a signed webhook, delivered by a job so that
 * the backend's latency never holds a client's request. A scheme without an enabled webhook is done at
 * once, in the request. A failed delivery throws (recorded first), and the job retries with backoff.
 */
export function notifyApp(delivery: WebhookDelivery, webhooks: WebhookRepository): ActionHandler<'notifyApp'> {
  return async ({ session, action, attempt, lastAttempt, inJob }) => {
    if (!inJob) return (await webhooks.hasDeliveryTarget(session.record.schemeCode)) ? 'handOver' : 'done';
    const event = notifyAppEvent(session, action);
    if (event) await delivery.deliver(session.record.schemeCode, event, { attempt, lastAttempt });
    return 'done';
  };
}
