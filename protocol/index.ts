/** Every wire shape of Flightdeck, declared once. Imported by worker/, ui/ and runner/. */
export * from "./alerts";
export * from "./api";
export * from "./automation";
export * from "./definitions";
export * from "./errors";
export * from "./events";
export * from "./executors";
export * from "./instance-config";
export * from "./json";
export * from "./launch";
export * from "./pools";
export * from "./queue";
export * from "./run";
export * from "./tags";
export * from "./ui-api";
export * from "./webhook-signature";
