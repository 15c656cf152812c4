import { describe, expect, it } from "vitest";
import { UsageError } from "./errors";
import { parseRunConfig } from "./run-config-file";

describe("run config files", () => {
  it("reads YAML and JSON alike", () => {
    expect(parseRunConfig("ops:\n  hello:\n    config: {name: Ada}\n", "c.yaml")).toEqual({
      ops: { hello: { config: { name: "Ada" } } },
    });
    expect(parseRunConfig('{"ops": {"a": {"config": {"n": 1}}}}', "c.json")).toEqual({
      ops: { a: { config: { n: 1 } } },
    });
    expect(parseRunConfig("", "empty.yaml")).toEqual({});
  });

  it("says where a file is not YAML, in one line", () => {
    const err = (() => {
      try {
        parseRunConfig("ops:\n  hello: [unclosed\n", "c.yaml");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(
      /^The config file c\.yaml is not valid YAML or JSON at line \d+, column \d+: /,
    );
    expect((err as Error).message).not.toContain("\n");
  });

  it("refuses a file that is not a mapping", () => {
    expect(() => parseRunConfig("- a\n- b\n", "c.yaml")).toThrow(/must hold a mapping .* not a list/);
    expect(() => parseRunConfig("42", "c.yaml")).toThrow(/not a number/);
  });
});
