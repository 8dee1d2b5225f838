// The rooms' limits, apart from the frame schemas so that a room starts without building them.
export const MAX_MESSAGE_CHARS = 4000;
export const HISTORY_ON_JOIN = 100;
/** Presence changes are gathered this long (longer in a crowded room, up to the max) and told together. */
export const PRESENCE_WINDOW_MS = 50;
export const PRESENCE_WINDOW_MAX_MS = 1000;
/** Each member may post this many messages per window; more get a rate-limited error. */
export const MESSAGES_PER_WINDOW = 10;
export const WINDOW_MS = 10_000;

/**
 * The feed keeps the newest FEED_KEPT events and drops older ones as new ones arrive: a bound on its storage
 * and on a resume's backlog, and at a busy shop's pace still days of events (a client away longer reloads).
 */
export const FEED_KEPT = 5000;
/** Events in the feed's welcome for a dashboard's first paint. */
export const FEED_RECENT = 50;

/** A location's room keeps its newest STOCK_KEPT movements for clients resuming by seq. */
export const STOCK_KEPT = 5000;
/** A count claim lapses after this long without its holder counting it. */
export const CLAIM_MS = 3 * 60_000;
