/**
 * The launchpad in Chromium against the real control plane and the demo code location: YAML as
 * well as JSON (round trip, errors on their line, launch from YAML), completion from the job's
 * config schema by keyboard alone (ARIA listbox, Ctrl+Space, arrows, Enter, Escape), docs on hover
 * and at the cursor, "Scaffold missing config" and "Remove extra config", Tab never kept by the
 * editor, and axe-core with the completion list and the docs showing. Screenshots at 1440×900 and
 * 390×844 in test-results/browser/.
 */
import type { Page } from "playwright-core";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { seriousViolations } from "./support/axe";
import { useDashboardStack } from "./support/dashboard-stack";

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

const s = useDashboardStack();
beforeAll(async () => {
  await s.open("/jobs/demo/greet/launchpad");
  await s.signIn();
});
// Runs before useDashboardStack's screenshot on failure (after-hooks run in reverse).
afterEach(async () => {
  await s.page.setViewportSize(DESKTOP);
});

const byTestId = (id: string) => s.page.getByTestId(id);
const editor = () => byTestId("launchpad-editor");
const focused = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute("data-testid") ?? null);

async function openLaunchpad(job: string): Promise<void> {
  await s.open(`/jobs/demo/${job}/launchpad`);
  await editor().waitFor();
}

/** Puts the cursor at `line` (1-based), `column` (0-based) of the editor. */
async function cursorAt(line: number, column: number): Promise<void> {
  await editor().focus();
  await editor().evaluate(
    (el, [l, c]) => {
      const area = el as HTMLTextAreaElement;
      const lines = area.value.split("\n");
      let offset = c;
      for (let k = 0; k < l - 1; k++) offset += (lines[k] ?? "").length + 1;
      area.setSelectionRange(offset, offset);
    },
    [line, column] as const,
  );
}

async function screenshots(name: string): Promise<void> {
  await s.browser.screenshot(`${name}-desktop`);
  await s.page.setViewportSize(PHONE);
  await s.browser.screenshot(`${name}-phone`);
  await s.page.setViewportSize(DESKTOP);
}

describe("the launchpad", () => {
  it("switches to YAML and back without losing the config, puts YAML errors on their line, and launches from YAML", async () => {
    const { page } = s;
    await openLaunchpad("greet");
    expect(await editor().getAttribute("data-format")).toBe("json");
    await byTestId("launchpad-format-yaml").click();
    await page.locator('[data-testid="launchpad-editor"][data-format="yaml"]').waitFor();
    expect(await byTestId("launchpad-format-yaml").getAttribute("aria-pressed")).toBe("true");
    expect(parseYaml(await editor().inputValue())).toEqual({ ops: { hello: { config: { name: "" } } } });
    expect(await editor().getAttribute("aria-label")).toBe("Run config (YAML)");

    await editor().fill("ops:\n  hello:\n    config:\n      name: 42\n");
    const error = page.locator('[data-testid="launchpad-error"][data-path="ops.hello.config.name"]');
    await error.waitFor();
    expect(await error.getAttribute("data-line")).toBe("4");
    expect(await error.textContent()).toContain("must be a string, not a number");
    await editor().fill("ops:\n  hello:\n    config:\n      name: [unclosed\n");
    await page.locator('[data-testid="launchpad-error"][data-path="(syntax)"]').waitFor();
    expect(await byTestId("launchpad-launch").isDisabled()).toBe(true);

    const yamlText = "ops:\n  hello:\n    config:\n      name: Ada from YAML # a comment\n";
    await editor().fill(yamlText);
    await byTestId("launchpad-valid").waitFor();
    await byTestId("launchpad-format-json").click();
    await page.locator('[data-testid="launchpad-editor"][data-format="json"]').waitFor();
    expect(JSON.parse(await editor().inputValue())).toEqual({ ops: { hello: { config: { name: "Ada from YAML" } } } });
    await byTestId("launchpad-format-yaml").click();
    await page.locator('[data-testid="launchpad-editor"][data-format="yaml"]').waitFor();
    const again = await editor().inputValue();
    expect(parseYaml(again)).toEqual({ ops: { hello: { config: { name: "Ada from YAML" } } } });
    // Converting again changes nothing: the round trip is stable.
    await byTestId("launchpad-format-json").click();
    await byTestId("launchpad-format-yaml").click();
    await page.locator('[data-testid="launchpad-editor"][data-format="yaml"]').waitFor();
    expect(await editor().inputValue()).toBe(again);
    await screenshots("launchpad-yaml");

    await byTestId("launchpad-launch").click();
    await byTestId("run-page").waitFor();
    const runId = (await byTestId("run-page").getAttribute("data-run-id")) ?? "";
    const run = await s.controlPlane.client.getRun(runId);
    expect(run.run_config).toEqual({ ops: { hello: { config: { name: "Ada from YAML" } } } });
  });

  it("loads the editor only with the launchpad, and the YAML parser only on the first switch to YAML", async () => {
    const { page } = s;
    const scripts: string[] = [];
    const record = (request: { url: () => string; resourceType: () => string }) => {
      if (request.resourceType() === "script") scripts.push(new URL(request.url()).pathname);
    };
    page.on("request", record);
    try {
      await s.open("/runs");
      await byTestId("runs-page").waitFor();
      expect(scripts.filter((p) => /launchpad|config-yaml/.test(p))).toEqual([]);
      await openLaunchpad("greet");
      expect(scripts.some((p) => /launchpad-form/.test(p))).toBe(true);
      expect(scripts.filter((p) => /config-yaml/.test(p))).toEqual([]);
      await byTestId("launchpad-format-yaml").click();
      await page.locator('[data-testid="launchpad-editor"][data-format="yaml"]').waitFor();
      expect(scripts.filter((p) => /config-yaml/.test(p))).toHaveLength(1);
    } finally {
      page.off("request", record);
    }
  });

  it("refuses to switch formats while the text does not parse, and says why", async () => {
    await openLaunchpad("greet");
    await editor().fill('{"ops": ');
    await byTestId("launchpad-format-yaml").click();
    await s.page.waitForFunction(() =>
      document.querySelector('[data-testid="launchpad-action-note"]')?.textContent?.includes("Fix the syntax"),
    );
    expect(await editor().getAttribute("data-format")).toBe("json");
    expect(await editor().inputValue()).toBe('{"ops": ');
  });

  it("completes fields from the job's schema with the keyboard alone: Ctrl+Space, arrows, Enter, Escape", async () => {
    const { page } = s;
    await openLaunchpad("greet");
    await editor().fill('{\n  "ops": {\n    "hello": {\n      "config": {\n        \n      }\n    }\n  }\n}');
    await cursorAt(5, 8);
    await page.keyboard.press("Control+Space");
    const list = page.getByRole("listbox", { name: /suggestions/i });
    await list.waitFor();
    expect(await editor().getAttribute("aria-controls")).toBe(await list.getAttribute("id"));
    const options = list.getByRole("option");
    expect(await options.evaluateAll((els) => els.map((el) => el.getAttribute("data-label")))).toEqual(["name"]);
    const active = await editor().getAttribute("aria-activedescendant");
    expect(await page.locator(`#${active}`).getAttribute("aria-selected")).toBe("true");
    expect(await byTestId("launchpad-completions-status").textContent()).toBe("1 suggestion");
    await s.browser.screenshot("launchpad-completion-desktop");

    // Escape closes the list and keeps the focus in the text.
    await page.keyboard.press("Escape");
    await list.waitFor({ state: "detached" });
    expect(await focused(page)).toBe("launchpad-editor");
    expect(await editor().getAttribute("aria-activedescendant")).toBeNull();

    // Typing narrows the list; Enter inserts the field with its scaffold.
    await page.keyboard.type('"n');
    await page.keyboard.press("Control+Space");
    await list.waitFor();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowUp");
    await page.keyboard.press("Enter");
    await list.waitFor({ state: "detached" });
    expect(JSON.parse(await editor().inputValue())).toEqual({ ops: { hello: { config: { name: "" } } } });
    // The cursor sits after the inserted value: step into the quotes and type the name.
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.type("Ada");
    await byTestId("launchpad-valid").waitFor();
    expect(JSON.parse(await editor().inputValue())).toEqual({ ops: { hello: { config: { name: "Ada" } } } });

    // Ctrl+Space where the schema has nothing more to offer says so instead of failing silently.
    await cursorAt(4, 17); // just after `"config": {`, whose only field is written
    await page.keyboard.press("Control+Space");
    await list.waitFor();
    expect(await list.textContent()).toContain("Nothing to suggest");
    await page.keyboard.press("Escape");
  });

  it("completes keys and their nested scaffold in YAML too", async () => {
    const { page } = s;
    await openLaunchpad("greet");
    await byTestId("launchpad-format-yaml").click();
    await page.locator('[data-testid="launchpad-editor"][data-format="yaml"]').waitFor();
    await editor().fill("");
    await cursorAt(1, 0);
    await page.keyboard.press("Control+Space");
    await page.locator('[data-testid="launchpad-completion"][data-label="ops"]').waitFor();
    await page.keyboard.press("Enter");
    await page.waitForFunction(() =>
      (document.querySelector('[data-testid="launchpad-editor"]') as HTMLTextAreaElement).value.includes("name:"),
    );
    expect(parseYaml(await editor().inputValue())).toEqual({ ops: { hello: { config: { name: "" } } } });
  });

  it("shows a field's docs from the schema on hover and at the cursor", async () => {
    const { page } = s;
    await openLaunchpad("diamond");
    // The diamond's default config: line 5 is `        "value": 1`.
    expect(JSON.parse(await editor().inputValue())).toEqual({ ops: { a: { config: { value: 1 } } } });
    const text = page.locator('.editor-line[data-line="5"] .editor-text');
    const box = await text.boundingBox();
    const line = (await text.textContent()) ?? "";
    if (!box) throw new Error("line 5 is not on screen");
    const column = line.indexOf("value");
    await page.mouse.move(box.x + ((column + 2) * box.width) / line.length, box.y + box.height / 2);
    const tip = byTestId("launchpad-hover-docs");
    await tip.waitFor();
    expect(await tip.getAttribute("role")).toBe("tooltip");
    const tipText = (await tip.textContent()) ?? "";
    expect(tipText).toContain("ops.a.config.value");
    expect(tipText).toContain("number");
    expect(tipText).toContain("default 1");
    expect(tipText).toContain("the number to start from");
    await screenshots("launchpad-hover-docs");
    await page.mouse.move(1, 1);
    await tip.waitFor({ state: "detached" });

    // The same docs for a keyboard user: the field at the cursor, under the editor.
    await cursorAt(5, column + 2);
    await page.keyboard.press("ArrowRight");
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="launchpad-docs"]')?.textContent?.includes("the number to start from"),
    );
    expect(await editor().getAttribute("aria-describedby")).toContain("editor-docs");
  });

  it("scaffolds the missing required config and removes the extra, in JSON and in YAML", async () => {
    const { page } = s;
    await openLaunchpad("greet");
    await editor().fill(
      '{\n  "extra": 1,\n  "ops": {\n    "hello": {\n      "config": { "nmae": "typo" }\n    }\n  }\n}',
    );
    await page.locator('[data-testid="launchpad-error"]').first().waitFor();
    await s.browser.screenshot("launchpad-extra-config-desktop");
    await byTestId("launchpad-remove-extra").click();
    await page.waitForFunction(
      () =>
        (document.querySelector('[data-testid="launchpad-editor"]') as HTMLTextAreaElement).value.indexOf("nmae") < 0,
    );
    expect(JSON.parse(await editor().inputValue())).toEqual({ ops: { hello: { config: {} } } });
    expect(await byTestId("launchpad-action-note").textContent()).toContain("Removed");
    await page.locator('[data-testid="launchpad-error"][data-path="ops.hello.config"]').waitFor();

    await byTestId("launchpad-format-yaml").click();
    await page.locator('[data-testid="launchpad-editor"][data-format="yaml"]').waitFor();
    await byTestId("launchpad-scaffold-missing").click();
    await page.waitForFunction(() =>
      (document.querySelector('[data-testid="launchpad-editor"]') as HTMLTextAreaElement).value.includes("name:"),
    );
    expect(parseYaml(await editor().inputValue())).toEqual({ ops: { hello: { config: { name: "" } } } });
    expect(await byTestId("launchpad-action-note").textContent()).toContain("Added");
    // Nothing more to do: each says so and leaves the text alone.
    const before = await editor().inputValue();
    await byTestId("launchpad-remove-extra").click();
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="launchpad-action-note"]')?.textContent?.includes("no extra field"),
    );
    expect(await editor().inputValue()).toBe(before);
    await screenshots("launchpad-scaffolded-yaml");
  });

  it("never keeps Tab: it leaves the editor, even with the completion list open, and changes no text", async () => {
    const { page } = s;
    await openLaunchpad("greet");
    const text = await editor().inputValue();
    await cursorAt(1, 1);
    await page.keyboard.press("Tab");
    expect(await focused(page)).not.toBe("launchpad-editor");
    expect(await editor().inputValue()).toBe(text);

    await editor().fill("{\n  \n}");
    await cursorAt(2, 2);
    await page.keyboard.press("Control+Space");
    await page.getByRole("listbox").waitFor();
    await page.keyboard.press("Tab");
    expect(await focused(page)).not.toBe("launchpad-editor");
    await page.getByRole("listbox").waitFor({ state: "detached" });
    expect(await editor().inputValue()).toBe("{\n  \n}");
    await page.keyboard.press("Shift+Tab");
    expect(await focused(page)).toBe("launchpad-editor");
  });

  it("passes axe-core with the completion list open and with the docs tooltip, at both sizes", async () => {
    const { page } = s;
    const problems: string[] = [];
    for (const [label, size] of [
      ["desktop", DESKTOP],
      ["phone", PHONE],
    ] as const) {
      await page.setViewportSize(size);
      await openLaunchpad("greet");
      await editor().fill("{\n  \n}");
      await cursorAt(2, 2);
      await page.keyboard.press("Control+Space");
      await page.locator('[data-testid="launchpad-completion"][data-label="ops"]').waitFor();
      for (const v of await seriousViolations(page)) problems.push(`completion (${label}): ${v}`);
      await s.browser.screenshot(`launchpad-completion-open-${label}`);
      await page.keyboard.press("Enter");
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (overflow > 0) problems.push(`${label}: ${overflow} px wider than the screen`);
      // Line 2 is now `  "ops": {...}`: back to its start (the editor scrolls there), and hover the key.
      await page.keyboard.press("Home");
      const text = page.locator('.editor-line[data-line="2"] .editor-text');
      await page.waitForFunction(() =>
        document.querySelector('.editor-line[data-line="2"] .editor-text')?.textContent?.includes('"ops"'),
      );
      const box = await text.boundingBox();
      const line = (await text.textContent()) ?? "";
      if (box) {
        await page.mouse.move(box.x + (4.5 * box.width) / line.length, box.y + box.height / 2);
        await byTestId("launchpad-hover-docs").waitFor();
        expect(await byTestId("launchpad-hover-docs").textContent()).toContain("required");
        for (const v of await seriousViolations(page)) problems.push(`hover docs (${label}): ${v}`);
        await s.browser.screenshot(`launchpad-hover-open-${label}`);
      } else problems.push(`${label}: line 2 not on screen`);
    }
    expect(problems).toEqual([]);
  });
});
