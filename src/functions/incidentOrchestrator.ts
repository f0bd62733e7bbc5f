import * as df from "durable-functions";
import { setDefaultPortFactory } from "../app/services";
import { durableClientPort } from "../workflow/durableClientPort";
import { workflow } from "../workflow/workflow";

// Activities run without a durable client binding; they never start orchestrations, so the
// port factory is only a safeguard for code that asks for one.
setDefaultPortFactory((context) => durableClientPort(df.getClient(context)));

for (const [name, handler] of Object.entries(workflow.orchestrations)) {
  df.app.orchestration(name, handler);
}

for (const [name, handler] of Object.entries(workflow.activities)) {
  df.app.activity(name, { handler });
}
