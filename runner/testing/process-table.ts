/**
 * What Linux's /proc says about processes, for tests that check which processes are left: the
 * children of a process, the members of a process group, and whether a pid is still running (a zombie is not: it has exited and
 * only waits to be reaped, which a container's pid 1 may never do).
 */
import { readdirSync, readFileSync } from "node:fs";

interface ProcessStat {
  readonly state: string;
  readonly ppid: number;
  readonly pgid: number;
}

function readStat(pid: number): ProcessStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")".
    const [state = "", ppid = "0", pgid = "0"] = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { state, ppid: Number(ppid), pgid: Number(pgid) };
  } catch {
    // Gone between the listing and the read: not running.
    return null;
  }
}

function listPids(): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** True while `pid` exists and has not exited. */
export function isRunning(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== null && stat.state !== "Z" && stat.state !== "X";
}

/** The running children of `pid`, with their command lines. */
export function childProcesses(pid: number): { pid: number; args: string[] }[] {
  return listPids()
    .filter((child) => readStat(child)?.ppid === pid && isRunning(child))
    .map((child) => ({ pid: child, args: readCmdline(child) }));
}

/** The running members of process group `pgid`, each as "pid command line". */
export function processesInGroup(pgid: number): string[] {
  return listPids()
    .filter((pid) => readStat(pid)?.pgid === pgid && isRunning(pid))
    .map((pid) => `${pid} ${readCmdline(pid).join(" ")}`);
}

export function readCmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    return [];
  }
}
