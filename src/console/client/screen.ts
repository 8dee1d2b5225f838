// What a screen is given and who may see what: shared by the registry (screens.ts), the frame and the screens
// themselves, which import this and never the registry (the registry imports them).
import type { Child } from "hono/jsx";
import type { Me } from "./types";

export interface ScreenProps {
  params: Record<string, string>;
  me: Me;
}
export type ScreenModule = { default: (props: ScreenProps) => Child };

export const audienceOf = (me: Me): "staff" | "customer" => (me.role === "customer" ? "customer" : "staff");
export const may = (me: Me, need: string | undefined): boolean =>
  !need || me.permissions.includes(need) || me.permissions.includes(need.replace(":read", ":write"));
export const homeOf = (me: Me): string => (audienceOf(me) === "customer" ? "/shop" : "/dashboard");
