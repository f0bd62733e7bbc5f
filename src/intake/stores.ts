import type { Services } from "../app/services";
import { RejectedPayloadStore } from "../storage/rejected";
import { PayloadStore } from "../storage/payloads";
import { DeliveryStore } from "../storage/deliveries";

/** The tables intake writes besides incidents and threads. */
export interface IntakeStores {
  rejected: RejectedPayloadStore;
  payloads: PayloadStore;
  deliveries: DeliveryStore;
}

/** The `services.memo` key of the intake stores. */
export const INTAKE_STORES_MEMO = "intake.stores";

/** Returns the intake stores of `services`, built once. */
export function intakeStores(services: Services): IntakeStores {
  return services.memo(INTAKE_STORES_MEMO, () => ({
    rejected: new RejectedPayloadStore(services.tables),
    payloads: new PayloadStore(services.tables),
    deliveries: new DeliveryStore(services.tables),
  }));
}
