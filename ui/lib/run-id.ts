/**
 * How the dashboard shows a run id. Run ids are UUIDv7: the first 12 hex digits are the launch
 * time in ms, so their first 8 characters are the same for every run made within ~65 s of each
 * other. The last 8 hex digits are random bits, so they tell runs apart at a glance (the full id
 * is one click away: the copy button and every link carry it).
 */
export const SHORT_RUN_ID_LENGTH = 8;

export function shortRunId(id: string): string {
  return id.replace(/-/g, "").slice(-SHORT_RUN_ID_LENGTH);
}
