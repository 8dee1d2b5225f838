// What the stock, count and catalog screens read from the API and the stock rooms, typed from the server's
// own schemas (type-only imports: nothing of the server reaches the browser bundle).
import type { z } from "@hono/zod-openapi";
import type { CategorySchema, ProductSchema } from "../../../../modules/catalog/schemas";
import type {
  CountPostResultSchema,
  CountReviewSchema,
  CountSessionSchema,
} from "../../../../modules/counts/schemas";
import type {
  LevelSchema,
  LocationSchema,
  MovementSchema,
  MoveResultSchema,
} from "../../../../modules/inventory/schemas";
import type {
  CountStatusFrame,
  CountWelcomeFrame,
  LineFrame,
  StockMovementFrame,
  Working,
} from "../../../../rooms/stock-frames";

export type { Member } from "../../../../rooms/frames";
export type { CountLine } from "../../../../rooms/stock-frames";

export type Location = z.infer<typeof LocationSchema>;
export type Level = z.infer<typeof LevelSchema>;
export type Movement = z.infer<typeof MovementSchema>;
export type MoveResult = z.infer<typeof MoveResultSchema>;
export type MovementFrame = StockMovementFrame;
export type CountSession = z.infer<typeof CountSessionSchema>;
export type CountReview = z.infer<typeof CountReviewSchema>;
export type CountPosted = z.infer<typeof CountPostResultSchema>;
export type CountWelcome = z.infer<typeof CountWelcomeFrame>;
export type CountLineFrame = z.infer<typeof LineFrame>;
export type CountStatus = z.infer<typeof CountStatusFrame>["session"];
export type WorkingOn = z.infer<typeof Working>;
export type Product = z.infer<typeof ProductSchema>;
export type Category = z.infer<typeof CategorySchema>;
