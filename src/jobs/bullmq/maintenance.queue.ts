/** The BullMQ queue that carries maintenance jobs, shared by every server process. */
export const MAINTENANCE_QUEUE = 'zaqar-maintenance';
export const SWEEP_JOB = 'sweep';
