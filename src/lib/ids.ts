import { v7 as uuidv7 } from "uuid";

/** New opaque, time-sortable id (UUIDv7, monotonic within one isolate). */
export const newId = (): string => uuidv7();

/** Request ids we accept from clients: short and printable, so they are safe in logs. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const requestIdFrom = (header: string | undefined): string =>
  header !== undefined && CLIENT_REQUEST_ID.test(header) ? header : newId();
