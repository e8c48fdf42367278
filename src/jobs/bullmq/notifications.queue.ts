/** The BullMQ queue whose jobs run the delivery job, shared by every server process. */
export const NOTIFICATIONS_QUEUE = 'zaqar-notifications';
export const DELIVER_JOB = 'deliver';
/** The job scheduler that looks for retries and deliveries no wake announced (posted elsewhere). */
export const DELIVERY_SCHEDULER = 'deliver-due';
