import { z } from "@hono/zod-openapi";
import { ROLES } from "../../db/schema/auth";
import { MIN_PASSWORD_LENGTH } from "./password";
import { ALL_PERMISSIONS, MODULES } from "./permissions";

export const Email = z.email().max(254).openapi({ example: "jane@shop.example" });
export const NewPassword = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `At least ${MIN_PASSWORD_LENGTH} characters`)
  .max(256)
  .openapi({ format: "password" });
export const RoleSchema = z.enum(ROLES).openapi("Role");
export const ModuleSchema = z.enum(MODULES).openapi("Module");
export const PermissionSchema = z.enum(ALL_PERMISSIONS as [string, ...string[]]).openapi("Permission");

export const LoginBody = z
  .strictObject({ email: Email, password: z.string().min(1).max(1024).openapi({ format: "password" }) })
  .openapi("LoginRequest");

export const RefreshBody = z
  .strictObject({ refresh_token: z.string().min(1).max(200) })
  .openapi("RefreshRequest");
export const LogoutBody = z
  .strictObject({ refresh_token: z.string().min(1).max(200).optional() })
  .openapi("LogoutRequest");

export const SignUpBody = z
  .strictObject({ email: Email, name: z.string().trim().min(1).max(200), password: NewPassword })
  .openapi("SignUpRequest");

export const UserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: RoleSchema,
    customer_id: z.string().nullable(),
    allowed_modules: z.array(z.string()).nullable(),
    status: z.enum(["active", "disabled"]),
    permissions: z.array(z.string()),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("User");

export const TokenResponse = z
  .object({
    access_token: z.string(),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int().openapi({ description: "Seconds until the access token expires." }),
    refresh_token: z
      .string()
      .openapi({ description: "Single use; trade it at /auth/refresh for a new pair." }),
    refresh_expires_in: z.number().int(),
  })
  .openapi("TokenResponse");

export const MeResponse = z
  .object({
    kind: z.enum(["user", "api_key", "device"]),
    id: z.string(),
    name: z.string(),
    role: RoleSchema.nullable(),
    customer_id: z.string().nullable(),
    permissions: z.array(z.string()),
  })
  .openapi("Me");
