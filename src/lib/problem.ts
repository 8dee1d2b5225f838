// One error type for the whole Worker, rendered as RFC 9457 application/problem+json.

export interface FieldError {
  /** Where the bad value came from: body, query, param, header. */
  in: string;
  /** Dotted path of the field inside that part, e.g. "lines.0.quantity". */
  path: string;
  message: string;
}

export interface ProblemInit {
  status: number;
  /** Short, stable slug; becomes the `type` URI `/problems/<slug>`. */
  slug: string;
  title: string;
  detail?: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  /** Extra members, e.g. `allowed` transitions on a 409. */
  extensions?: Record<string, unknown>;
}

export class Problem extends Error {
  readonly status: number;
  readonly slug: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;
  readonly extensions: Record<string, unknown>;

  constructor(init: ProblemInit) {
    super(init.detail ?? init.title);
    this.name = "Problem";
    this.status = init.status;
    this.slug = init.slug;
    this.title = init.title;
    this.detail = init.detail;
    this.errors = init.errors;
    this.headers = init.headers ?? {};
    this.extensions = init.extensions ?? {};
  }

  toJSON(requestId: string | undefined, instance?: string): Record<string, unknown> {
    return {
      type: `/problems/${this.slug}`,
      title: this.title,
      status: this.status,
      ...(this.detail !== undefined && { detail: this.detail }),
      ...(instance !== undefined && { instance }),
      ...(this.errors !== undefined && { errors: this.errors }),
      ...this.extensions,
      ...(requestId !== undefined && { request_id: requestId }),
    };
  }

  toResponse(requestId: string | undefined, instance?: string): Response {
    return new Response(JSON.stringify(this.toJSON(requestId, instance)), {
      status: this.status,
      headers: { "content-type": "application/problem+json", ...this.headers },
    });
  }
}

export const badRequest = (detail: string, errors?: FieldError[]) =>
  new Problem({ status: 400, slug: "validation", title: "Invalid request", detail, errors });

export const unauthorized = (detail = "Authentication is required.") =>
  new Problem({
    status: 401,
    slug: "unauthorized",
    title: "Unauthorized",
    detail,
    headers: { "www-authenticate": 'Bearer realm="roms"' },
  });

export const forbidden = (detail = "You do not have permission to do this.") =>
  new Problem({ status: 403, slug: "forbidden", title: "Forbidden", detail });

export const notFound = (detail = "No such resource.") =>
  new Problem({ status: 404, slug: "not-found", title: "Not found", detail });

export const conflict = (detail: string, extensions?: Record<string, unknown>) =>
  new Problem({ status: 409, slug: "conflict", title: "Conflict", detail, extensions });

/** Well-formed, but not something that can be done with what it names (a wrong item scanned, say). */
export const unprocessable = (detail: string, extensions?: Record<string, unknown>) =>
  new Problem({ status: 422, slug: "unprocessable", title: "Cannot be done", detail, extensions });

export const payloadTooLarge = (limit: number) =>
  new Problem({
    status: 413,
    slug: "payload-too-large",
    title: "Payload too large",
    detail: `The request body exceeds the limit of ${limit} bytes.`,
  });

export const tooManyRequests = (retryAfterSeconds: number, detail = "Too many requests; slow down.") =>
  new Problem({
    status: 429,
    slug: "rate-limited",
    title: "Too many requests",
    detail,
    headers: { "retry-after": String(retryAfterSeconds) },
  });

/** It was here, and is not any more (an expired link). */
export const gone = (detail: string) => new Problem({ status: 410, slug: "gone", title: "Gone", detail });

export const serviceUnavailable = (detail: string) =>
  new Problem({ status: 503, slug: "unavailable", title: "Service unavailable", detail });

export const internalError = () =>
  new Problem({
    status: 500,
    slug: "internal",
    title: "Internal server error",
    detail: "Something went wrong on our side. Quote the request id when you report it.",
  });

export const malformedJson = () =>
  badRequest("The body is not valid JSON. Check quotes, commas and brackets, or validate it first.", [
    { in: "body", path: "", message: "Malformed JSON" },
  ]);

/**
 * A client error raised by Hono or its validators (not by ROMS code) as a problem a person can act on:
 * what was wrong with the request and what to send instead.
 */
export function problemFromHttpError(status: number, message: string): Problem {
  if (status === 415) {
    return new Problem({
      status,
      slug: "unsupported-media-type",
      title: "Unsupported media type",
      detail: "This endpoint takes a JSON body: send it with the header Content-Type: application/json.",
    });
  }
  if (status === 400 && /json/i.test(message)) return malformedJson();
  return new Problem({
    status,
    slug: "http",
    title: message || "Request failed",
    detail: message || `The request was refused with status ${status}.`,
  });
}
