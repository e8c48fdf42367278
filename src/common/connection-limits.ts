/**
 * Requests of one connection in progress at once. A socket connection that sends more is closed;
 * an HTTP connection's later pipelined requests wait their turn, and it is not read meanwhile.
 */
export const MAX_IN_FLIGHT = 256;

/**
 * Answers a client may leave unread. A socket client over it is dropped: it sends faster than it
 * reads. An HTTP connection over it starts no further request until its client has read.
 */
export const MAX_UNREAD_BYTES = 8 * 1024 * 1024;
