/**
 * The run worker's side of the event log: numbers each event (seq from 1 per run attempt, no
 * gaps), stamps it, writes it to the spool and only then hands it to the sender. Mirrors
 * Dagster's `DagsterEvent` reporting through the instance's event log.
 */
import {
  type JsonObject,
  type LogLevel,
  MAX_EVENT_MESSAGE_LENGTH,
  type RunWorkerEvent,
  type RunWorkerEventType,
} from "../../protocol";
import type { EventSender } from "./sender";
import type { Spool } from "./spool";

export interface NewEvent {
  readonly type: RunWorkerEventType;
  readonly stepKey?: string;
  readonly level?: LogLevel;
  readonly message?: string;
  readonly data?: JsonObject;
}

export type EmitEvent = (event: NewEvent) => RunWorkerEvent;

export class RunEventLog {
  private lastSeq: number;

  constructor(
    private readonly spool: Spool,
    private readonly sender: EventSender,
    private readonly now: () => number = Date.now,
    lastSeq = 0,
  ) {
    this.lastSeq = lastSeq;
  }

  readonly emit: EmitEvent = (input) => {
    const event: RunWorkerEvent = {
      seq: this.lastSeq + 1,
      type: input.type,
      ts: this.now(),
      level: input.level ?? defaultLevel(input.type),
      ...(input.stepKey !== undefined ? { step_key: input.stepKey } : {}),
      ...(input.message !== undefined ? { message: truncate(input.message) } : {}),
      ...(input.data !== undefined ? { data: input.data } : {}),
    };
    this.spool.append(event);
    this.lastSeq = event.seq;
    this.sender.enqueue(event);
    return event;
  };

  get seq(): number {
    return this.lastSeq;
  }
}

function defaultLevel(type: RunWorkerEventType): LogLevel {
  if (type === "STEP_FAILURE" || type === "RUN_FAILURE") return "ERROR";
  if (type === "HEARTBEAT") return "DEBUG";
  return "INFO";
}

function truncate(message: string): string {
  if (message.length <= MAX_EVENT_MESSAGE_LENGTH) return message;
  const marker = "… [truncated]";
  return message.slice(0, MAX_EVENT_MESSAGE_LENGTH - marker.length) + marker;
}
