import { app } from "@azure/functions";
import * as df from "durable-functions";
import { getServices } from "../app/services";
import { applyRetention, retentionParticipants } from "../app/retention";
import { durableClientPort } from "../workflow/durableClientPort";

app.timer("retention", {
  // Daily at 03:30 UTC.
  schedule: "0 30 3 * * *",
  extraInputs: [df.input.durableClient()],
  handler: async (_timer, context) => {
    const services = getServices();
    await applyRetention(services, durableClientPort(df.getClient(context)), retentionParticipants(services), context);
  },
});
