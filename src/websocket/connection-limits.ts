/** Requests of one socket connection in progress at once; more, and the connection is closed. */
export const MAX_IN_FLIGHT = 256;

/** Answers and pushes a client may leave unread before it is dropped: it sends faster than it reads. */
export const MAX_UNREAD_BYTES = 8 * 1024 * 1024;
