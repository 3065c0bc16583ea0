// Names and dates the stores share.

/** A published file's name: relative, parts of [A-Za-z0-9._-] that do not start with a dot. */
export const PUBLISHED_NAME = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)*[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** `YYYY-MM-DD` of a time, in UTC. */
export const todayUTC = (date: Date): string => date.toISOString().slice(0, 10);

/** `YYYY-MM-DD` plus `days` days (negative: earlier). */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Refuses a day that is not `YYYY-MM-DD` before it reaches a query. */
export function checkDay(day: string): void {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day))
    throw new Error(`day ${JSON.stringify(day)} is not YYYY-MM-DD`);
}
