/**
 * The wire form of a code location, what `GET /definitions` serves (protocol/definitions.ts):
 * Dagster's external repository snapshot (ExternalRepositoryData) of jobs, schedules and sensors.
 */
import type { Definitions, JobDefinition, NodeDefinition } from "../../protocol";
import type { CodeLocation } from "./code-location";
import { DefinitionError } from "./graph-validation";
import type { Job, JobNode } from "./job";
import { buildConfigJsonSchema, buildDefaultRunConfig, buildRunConfigSchema } from "./run-config-schema";

function describeNode(job: Job, node: JobNode): NodeDefinition {
  const { op } = node;
  let configSchema: NodeDefinition["config_schema"] = null;
  try {
    configSchema = op.config ? buildConfigJsonSchema(op.config) : null;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DefinitionError(`job "${job.name}"`, [
      `job "${job.name}", node "${node.name}": the config schema of op "${op.name}" has no JSON Schema form: ${reason}`,
    ]);
  }
  const sources = new Map(node.inputs.map((input) => [input.name, input.from]));
  return {
    name: node.name,
    op: op.name,
    description: op.description,
    tags: op.tags,
    inputs: op.inputs.map((input) => ({ ...input, from: sources.get(input.name) ?? null })),
    outputs: op.outputs.map((output) => ({ ...output })),
    config_schema: configSchema,
    ...(op.pool === null ? {} : { pool: op.pool }),
  };
}

export function describeJob(job: Job): JobDefinition {
  const nodes = job.nodes.map((node) => describeNode(job, node));
  const configured = job.nodes.map((node) => ({ name: node.name, config: node.op.config }));
  return {
    name: job.name,
    description: job.description,
    tags: job.tags,
    executor: job.executor,
    nodes,
    run_config_schema: buildRunConfigSchema(configured),
    default_run_config: buildDefaultRunConfig(configured),
  };
}

export function describeCodeLocation(location: CodeLocation): Definitions {
  return {
    jobs: location.jobs.map(describeJob),
    schedules: [...location.schedules],
    sensors: [...location.sensors],
  };
}
