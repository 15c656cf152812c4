/** What patchWranglerProxy found or did. */
export type PatchOutcome = "absent" | "other-version" | "unrecognized" | "patched" | "patched-now";
export function patchWranglerProxy(root: string): PatchOutcome;
