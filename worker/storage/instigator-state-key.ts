/**
 * The key of a schedule's or sensor's stored state (Dagster's InstigatorState, one per code
 * location and name): a name is unique only within its code location.
 */
export const stateKey = (location: string, name: string) => `${location}\u0000${name}`;
