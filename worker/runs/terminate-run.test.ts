import { describe, expect, it } from "vitest";
import type { RunStatus } from "../../protocol";
import type { TerminationDecision } from "./terminate-run";
import { decideTermination } from "./terminate-run";

describe("decideTermination", () => {
  it.each<[RunStatus, TerminationDecision["kind"]]>([
    ["NOT_STARTED", "cancel_now"],
    ["QUEUED", "cancel_now"],
    ["STARTING", "request_cancel"],
    ["STARTED", "request_cancel"],
    ["CANCELING", "resend_request"],
    ["SUCCESS", "reject"],
    ["FAILURE", "reject"],
    ["CANCELED", "reject"],
  ])("terminating a %s run decides %s", (status, kind) => {
    expect(decideTermination(status).kind).toBe(kind);
  });
});
