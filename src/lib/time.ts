// Times other systems report (a sender's placing time, a device's read time): a clock may be off by hours,
// not by years, so a time before 2000 or more than a day ahead is a mistake to refuse.
const EARLIEST = Date.parse("2000-01-01T00:00:00Z");
const AHEAD_MS = 86_400_000;

export const plausibleInstant = (value: string, now = Date.now()): boolean => {
  const at = Date.parse(value);
  return at >= EARLIEST && at <= now + AHEAD_MS;
};

/** An RFC 3339 time with any offset, as stored: UTC with milliseconds (`Date.prototype.toISOString`). */
export const utc = (value: string): string => new Date(value).toISOString();
