// The rooms' limits, apart from the frame schemas so that a room starts without building them.
export const MAX_MESSAGE_CHARS = 4000;
export const HISTORY_ON_JOIN = 100;
/** Each member may post this many messages per window; more get a rate-limited error. */
export const MESSAGES_PER_WINDOW = 10;
export const WINDOW_MS = 10_000;
