import { describe, expect, it } from "vitest";
import { shortRunId } from "./run-id";

describe("shortRunId", () => {
  it("takes the random tail of a UUIDv7, not its timestamp", () => {
    expect(shortRunId("01a23cf1-aaaa-7bbb-8ccc-0123456789ab")).toBe("456789ab");
  });

  it("tells apart two runs made in the same millisecond", () => {
    const a = shortRunId("01a23cf1-0000-7000-8000-00000000aaaa");
    const b = shortRunId("01a23cf1-0000-7000-8000-00000000bbbb");
    expect(a).not.toBe(b);
  });
});
