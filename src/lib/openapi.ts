// The one way routes are declared: a router with a single validation hook, and shared response shapes.
import { OpenAPIHono, type RouteConfig, type RouteHandler, z } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { badRequest, type FieldError } from "./problem";

export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

const TARGET_NAMES: Record<string, string> = {
  json: "body",
  form: "body",
  query: "query",
  param: "path",
  header: "header",
  cookie: "cookie",
};

/** Turns a zod failure into field errors that name each bad field and where it came from. */
export const fieldErrors = (target: string, error: z.ZodError): FieldError[] =>
  error.issues.map((issue) => ({
    in: TARGET_NAMES[target] ?? target,
    path: issue.path.map(String).join("."),
    message: issue.message,
  }));

/** An opaque id in a path or body. */
export const Id = z.string().min(1).max(64);
/** The `{id}` path parameter of a route. */
export const IdParam = z.object({ id: Id });

/** A router whose every validation failure is one 400 problem with `errors[]`. */
export const createRouter = () =>
  new OpenAPIHono<AppEnv>({
    strict: true,
    defaultHook: (result) => {
      if (!result.success) {
        throw badRequest("The request has invalid fields.", fieldErrors(result.target, result.error));
      }
    },
  });

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "/problems/validation" }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    request_id: z.string().optional(),
    errors: z
      .array(z.object({ in: z.string(), path: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: "One entry per invalid field." }),
  })
  .openapi("Problem", { description: "RFC 9457 problem details." });

const PROBLEM_TEXT: Record<number, string> = {
  400: "Invalid request",
  401: "Not authenticated",
  403: "Not permitted",
  404: "Not found",
  409: "Conflict with the current state",
  413: "Body too large",
  429: "Rate limited",
  503: "A dependency is unavailable",
};

/** Problem responses for a route's contract, e.g. `...problems(400, 401, 404)`. */
export const problems = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: PROBLEM_TEXT[status] ?? "Error",
        content: { "application/problem+json": { schema: ProblemSchema } },
      },
    ]),
  );

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});

/**
 * A JSON body a POST may leave out (it only adds options): no body and no content type read as `{}`; a
 * body sent as JSON must match the schema. Read it with `c.req.valid("json")` like any other.
 */
export const optionalJsonBody = <T extends z.ZodType>(schema: T) => ({
  required: false as const,
  content: { "application/json": { schema } },
});

/** A route's 200 that answers a PDF. */
export const pdfResponse = {
  200: {
    description: "The PDF",
    content: { "application/pdf": { schema: { type: "string", format: "binary" } } },
  },
} as const;

/** A PDF answer, shown inline, never cached by shared caches (documents are private). */
export const pdf = (body: ReadableStream | Uint8Array, filename: string) =>
  new Response(body as BodyInit, {
    headers: {
      "content-type": "application/pdf",
      "content-disposition": `inline; filename="${filename}"`,
      "cache-control": "private, no-store",
    },
  });
