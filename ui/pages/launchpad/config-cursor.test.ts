import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonContextAt, pathOfContext, yamlContextAt } from "./config-cursor";
import { toYaml } from "./config-yaml";

/** The context at the "|" in `marked` (the bar removed). */
const at = (read: typeof jsonContextAt, marked: string) => read(marked.replace("|", ""), marked.indexOf("|"));

describe("where the cursor is in JSON", () => {
  it("in a key being typed: the object's path, the partial key, the keys around it", () => {
    const c = at(jsonContextAt, '{"ops": {"hello": {"config": {"na|", "times": 1}}}}');
    expect(c).toMatchObject({ kind: "key", path: ["ops", "hello", "config"], prefix: "na", present: ["times"] });
  });

  it("after an opening brace or a comma: a key, with nothing typed", () => {
    expect(at(jsonContextAt, '{"ops": {|}}')).toMatchObject({ kind: "key", path: ["ops"], prefix: "", present: [] });
    expect(at(jsonContextAt, '{"a": 1, |"b": 2}')).toMatchObject({ kind: "key", path: [], present: ["a", "b"] });
  });

  it("after a colon or in a value: the value's path", () => {
    expect(at(jsonContextAt, '{"ops": {"x": {"mode": |}}}')).toMatchObject({
      kind: "value",
      path: ["ops", "x", "mode"],
    });
    expect(at(jsonContextAt, '{"a": [1, tr|]}')).toMatchObject({ kind: "value", path: ["a", 1], prefix: "tr" });
  });

  it("on a whole key: the field it names", () => {
    const c = at(jsonContextAt, '{\n  "ops": {\n    "st|art": {}\n  }\n}');
    expect(pathOfContext(c)).toEqual(["ops", "start"]);
  });

  it("never throws, whatever the text and the cursor", () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(), (text, n) => {
        const c = jsonContextAt(text, n % (text.length + 1));
        expect(c.from).toBeLessThanOrEqual(c.to);
      }),
    );
  });
});

describe("where the cursor is in YAML", () => {
  const doc = "ops:\n  hello:\n    config:\n      name: Ada\n      |\n  start:\n    config: {}\n";

  it("on an empty line inside a block: that block's path and the keys already there", () => {
    expect(at(yamlContextAt, doc)).toMatchObject({ kind: "key", path: ["ops", "hello", "config"], present: ["name"] });
  });

  it("in a key being typed, and in a value", () => {
    expect(at(yamlContextAt, "ops:\n  hello:\n    con|\n")).toMatchObject({
      kind: "key",
      path: ["ops", "hello"],
      prefix: "con",
    });
    expect(at(yamlContextAt, "ops:\n  x:\n    config:\n      mode: lo|\n")).toMatchObject({
      kind: "value",
      path: ["ops", "x", "config", "mode"],
      prefix: "lo",
    });
  });

  it("inside sequence items: the item's index", () => {
    const c = at(yamlContextAt, "hosts:\n  - name: a\n  - name: b\n    po|\n");
    expect(c).toMatchObject({ kind: "key", path: ["hosts", 1], prefix: "po", present: ["name"] });
  });

  it("on a key of any YAML the launchpad writes, names that key's path", () => {
    const value = fc.letrec<{ node: unknown }>((tie) => ({
      node: fc.oneof(
        { depthSize: "small" },
        fc.constantFrom(1, "x", true, null),
        fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), tie("node"), { minKeys: 1, maxKeys: 3 }),
      ),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), value, { minKeys: 1, maxKeys: 3 }), (config) => {
        const text = toYaml(config as never);
        // Every "key:" the YAML writes: the cursor on it names the path to that key.
        const expected: string[][] = [];
        const walk = (v: unknown, path: string[]) => {
          if (typeof v !== "object" || v === null) return;
          for (const [k, child] of Object.entries(v)) {
            expected.push([...path, k]);
            walk(child, [...path, k]);
          }
        };
        walk(config, []);
        const found: string[][] = [];
        let offset = 0;
        for (const line of text.split("\n")) {
          const m = /^( *)([a-z]+):/.exec(line);
          if (m?.[1] !== undefined)
            found.push(pathOfContext(yamlContextAt(text, offset + m[1].length + 1)) as string[]);
          offset += line.length + 1;
        }
        expect(found).toEqual(expected);
      }),
    );
  });
});
