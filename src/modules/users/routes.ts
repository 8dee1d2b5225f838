import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, IdParam, json, jsonBody, optionalJsonBody, problems } from "../../lib/openapi";
import { PageQuery, pageOf } from "../../lib/pagination";
import { principalOf, requirePermission, requireUser } from "../auth/middleware";
import { ROLE_DESCRIPTIONS, ROLE_PERMISSIONS } from "../auth/permissions";
import { Email, ModuleSchema, NewPassword, RoleSchema, UserSchema } from "../auth/schemas";
import {
  createUser,
  getUser,
  listUsers,
  resetPassword,
  setUserStatus,
  updateOwnProfile,
  updateUser,
} from "./service";

const NewUserBody = z
  .strictObject({
    email: Email,
    name: z.string().trim().min(1).max(200),
    role: RoleSchema,
    password: NewPassword.optional().openapi({
      description: "Omit to have one generated and returned once.",
    }),
    customer_id: z.string().min(1).max(64).nullable().optional(),
    allowed_modules: z.array(ModuleSchema).max(20).nullable().optional().openapi({
      description: "Narrows the role's modules (the 'allowed tabs'); null or absent means all of the role's.",
    }),
  })
  .openapi("NewUser");

const UserPatchBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    role: RoleSchema.optional(),
    customer_id: z.string().min(1).max(64).nullable().optional(),
    allowed_modules: z.array(ModuleSchema).max(20).nullable().optional(),
  })
  .openapi("UserPatch");

const MePatchBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    current_password: z.string().min(1).max(1024).optional(),
    new_password: NewPassword.optional(),
  })
  .refine((b) => b.new_password === undefined || b.current_password !== undefined, {
    message: "Required to set a new password",
    path: ["current_password"],
  })
  .openapi("ProfileUpdate");

const ResetPasswordBody = z.strictObject({ password: NewPassword.optional() }).openapi("PasswordReset");

const CreatedUser = UserSchema.extend({
  password: z
    .string()
    .optional()
    .openapi({ description: "The generated password, present only when none was given." }),
}).openapi("CreatedUser");

const UserQuery = PageQuery.extend({
  q: z.string().trim().min(1).max(100).optional().openapi({ description: "Part of the email or name" }),
  role: RoleSchema.optional(),
  status: z.enum(["active", "disabled"]).optional(),
});

const RoleInfo = z
  .object({ role: RoleSchema, description: z.string(), permissions: z.array(z.string()) })
  .openapi("RoleInfo");

const read = requirePermission("users", "read");
const write = requirePermission("users", "write");

const routes = {
  roles: createRoute({
    method: "get",
    path: "/roles",
    tags: ["users"],
    summary: "The roles and the permissions each grants",
    middleware: [requireUser()] as const,
    responses: { 200: json(z.object({ items: z.array(RoleInfo) }), "Every role"), ...problems(401, 403) },
  }),
  me: createRoute({
    method: "get",
    path: "/users/me",
    tags: ["users"],
    summary: "Your own profile",
    middleware: [requireUser()] as const,
    responses: { 200: json(UserSchema, "You"), ...problems(401, 403) },
  }),
  updateMe: createRoute({
    method: "put",
    path: "/users/me",
    tags: ["users"],
    summary: "Change your name or password (a new password ends your other sessions)",
    middleware: [requireUser()] as const,
    request: { body: jsonBody(MePatchBody) },
    responses: { 200: json(UserSchema, "Updated"), ...problems(400, 401, 403) },
  }),
  list: createRoute({
    method: "get",
    path: "/users",
    tags: ["users"],
    summary: "Users, newest first, with search",
    middleware: [read] as const,
    request: { query: UserQuery },
    responses: { 200: json(pageOf(UserSchema), "A page of users"), ...problems(400, 401, 403) },
  }),
  create: createRoute({
    method: "post",
    path: "/users",
    tags: ["users"],
    summary: "Create a user",
    middleware: [write] as const,
    request: { body: jsonBody(NewUserBody) },
    responses: { 201: json(CreatedUser, "Created"), ...problems(400, 401, 403, 409) },
  }),
  get: createRoute({
    method: "get",
    path: "/users/{id}",
    tags: ["users"],
    summary: "One user",
    middleware: [read] as const,
    request: { params: IdParam },
    responses: { 200: json(UserSchema, "The user"), ...problems(401, 403, 404) },
  }),
  update: createRoute({
    method: "patch",
    path: "/users/{id}",
    tags: ["users"],
    summary: "Change a user's name, role, customer or allowed modules",
    middleware: [write] as const,
    request: { params: IdParam, body: jsonBody(UserPatchBody) },
    responses: { 200: json(UserSchema, "Updated"), ...problems(400, 401, 403, 404, 409) },
  }),
  disable: createRoute({
    method: "post",
    path: "/users/{id}/disable",
    tags: ["users"],
    summary: "Disable a user: every session ends and their access tokens stop working",
    middleware: [write] as const,
    request: { params: IdParam },
    responses: { 200: json(UserSchema, "Disabled"), ...problems(401, 403, 404, 409) },
  }),
  enable: createRoute({
    method: "post",
    path: "/users/{id}/enable",
    tags: ["users"],
    summary: "Re-enable a user",
    middleware: [write] as const,
    request: { params: IdParam },
    responses: { 200: json(UserSchema, "Enabled"), ...problems(401, 403, 404) },
  }),
  resetPassword: createRoute({
    method: "post",
    path: "/users/{id}/password",
    tags: ["users"],
    summary: "Reset a user's password (generated and returned once when none is given); ends their sessions",
    middleware: [write] as const,
    request: {
      params: IdParam,
      body: optionalJsonBody(ResetPasswordBody),
    },
    responses: {
      200: json(z.object({ password: z.string().optional() }), "Reset"),
      ...problems(400, 401, 403, 404),
    },
  }),
};

export const userRoutes = createRouter()
  .openapi(routes.roles, (c) =>
    c.json(
      {
        items: RoleSchema.options.map((role) => ({
          role,
          description: ROLE_DESCRIPTIONS[role],
          permissions: ROLE_PERMISSIONS[role],
        })),
      },
      200,
    ),
  )
  .openapi(routes.me, async (c) => {
    const principal = principalOf(c);
    return c.json(await getUser(c.env, principal.id), 200);
  })
  .openapi(routes.updateMe, async (c) => {
    const principal = principalOf(c);
    return c.json(await updateOwnProfile(c.env, principal, c.req.valid("json")), 200);
  })
  .openapi(routes.list, async (c) => c.json(await listUsers(c.env, c.req.valid("query")), 200))
  .openapi(routes.create, async (c) => {
    const { user, password } = await createUser(c.env, c.req.valid("json"));
    c.header("location", `/api/v1/users/${user.id}`);
    c.header("cache-control", "no-store");
    return c.json({ ...user, ...(password !== undefined && { password }) }, 201);
  })
  .openapi(routes.get, async (c) => c.json(await getUser(c.env, c.req.valid("param").id), 200))
  .openapi(routes.update, async (c) => {
    const principal = principalOf(c);
    return c.json(await updateUser(c.env, principal, c.req.valid("param").id, c.req.valid("json")), 200);
  })
  .openapi(routes.disable, async (c) => {
    const principal = principalOf(c);
    return c.json(await setUserStatus(c.env, principal, c.req.valid("param").id, "disabled"), 200);
  })
  .openapi(routes.enable, async (c) => {
    const principal = principalOf(c);
    return c.json(await setUserStatus(c.env, principal, c.req.valid("param").id, "active"), 200);
  })
  .openapi(routes.resetPassword, async (c) => {
    const body = c.req.valid("json");
    c.header("cache-control", "no-store");
    return c.json(await resetPassword(c.env, c.req.valid("param").id, body.password), 200);
  });
