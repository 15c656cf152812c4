import { describe, expect, it } from "vitest";
import { checkPoolDraft } from "./pool-draft";

describe("checkPoolDraft", () => {
  it("finds nothing wrong with empty fields (unfinished, not wrong) or a good draft", () => {
    expect(checkPoolDraft("", "")).toEqual({});
    expect(checkPoolDraft("db/warehouse", "0")).toEqual({});
    expect(checkPoolDraft("gpu", "12")).toEqual({});
  });

  it("says what is wrong with a name the protocol refuses", () => {
    expect(checkPoolDraft("a b", "")).toEqual({ name: "use letters, digits and _ . : / -" });
    expect(checkPoolDraft("x".repeat(129), "").name).toBeDefined();
  });

  it("takes only a whole number ≥ 0 as a limit", () => {
    for (const bad of ["-1", "1.5", "abc"]) expect(checkPoolDraft("gpu", bad).limit).toMatch(/whole number/);
  });
});
