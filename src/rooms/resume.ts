// Where a client resuming a numbered stream (the feed, a location's movements) picks up: `?after=<seq>`
// resumes when nothing after it was trimmed and the stream has reached it; otherwise it is a gap.
export interface ResumePoint {
  /** The seq to send from (exclusive), when resuming. */
  after: number | null;
  gap: boolean;
}

export function resumePoint(url: URL, head: number, oldest: number | null): ResumePoint {
  const asked = url.searchParams.get("after");
  const after = asked !== null && /^\d+$/.test(asked) ? Number(asked) : null;
  if (after === null) return { after: null, gap: false };
  const gap = after > head || (oldest !== null && after < oldest - 1);
  return { after: gap ? null : after, gap };
}
