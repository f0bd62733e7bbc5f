export { LocalDurableRuntime, type LocalDurableRuntimeOptions } from "./runtime";
export { DURABLE_TABLE } from "./store";
export type { HistoryEvent } from "./history";
