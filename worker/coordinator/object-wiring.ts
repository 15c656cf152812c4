/**
 * The run coordinator object's wiring (wiring.ts): built on the object's clock with the instance
 * config it read, and kept until the config may have changed (`forget`), so a burst of submits
 * reads the config once.
 */
import type { InstanceConfig } from "../../protocol";
import { loadInstanceConfig } from "../instance/load-instance-config";
import { type AgentReach, type Deps, publicBaseUrl, wire } from "../wiring";
import type { Clock } from "./clock";

export class ObjectWiring {
  #deps: Deps | null = null;

  constructor(
    private readonly env: Env,
    private readonly clock: Clock,
    /** The object's own agent sockets: its launches and evaluations on agents go straight to them. */
    private readonly agents: AgentReach,
  ) {}

  async deps(): Promise<Deps> {
    if (!this.#deps) {
      const config = await loadInstanceConfig(this.env);
      this.#deps ??= wire(
        this.env,
        publicBaseUrl(this.env),
        config,
        () => this.clock.now(),
        () => this.agents,
      );
    }
    return this.#deps;
  }

  async config(): Promise<InstanceConfig> {
    return (await (await this.deps()).instanceConfig()).config;
  }

  /** The config may have changed: the next call reads it again. */
  forget(): void {
    this.#deps = null;
  }
}
