import { afterEach, describe, expect, it, vi } from "vitest";
import { NOUNS, runClientCommand } from "./dispatch";

afterEach(() => {
  vi.restoreAllMocks();
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    err.push(String(chunk));
    return true;
  });
  return { out, err };
}

describe("flightdeck <noun> <verb>", () => {
  const verbs = NOUNS.flatMap((noun) => noun.verbs.map((verb) => [noun.name, verb.name] as const));

  it.each(verbs)("%s %s --help prints its usage and exits 0 without a control plane", async (noun, verb) => {
    const { out } = capture();
    const args = noun === verb ? [noun, "--help"] : [noun, verb, "--help"];
    expect(await runClientCommand(args)).toBe(0);
    expect(out.join("")).toMatch(new RegExp(`^Usage: flightdeck ${noun === verb ? noun : `${noun} ${verb}`}`));
  });

  it("answers a wrong command line with one line and exit 2", async () => {
    const { err } = capture();
    expect(await runClientCommand(["run", "list", "--bogus"])).toBe(2);
    expect(await runClientCommand(["run", "show"])).toBe(2);
    expect(await runClientCommand(["run", "explode"])).toBe(2);
    expect(err).toEqual([
      "flightdeck: Unknown option '--bogus'; see `flightdeck run list --help`\n",
      "flightdeck: missing arguments; usage: flightdeck run show <run>\n",
      'flightdeck: unknown command "run explode"; see `flightdeck run --help`\n',
    ]);
  });
});
