import { app } from "@azure/functions";
import * as df from "durable-functions";
import { allRoutes } from "../app/routes";
import { setDefaultPortFactory } from "../app/services";
import { durableClientPort } from "../workflow/durableClientPort";

setDefaultPortFactory((context) => durableClientPort(df.getClient(context)));

for (const route of allRoutes()) {
  app.http(route.name, {
    methods: route.methods,
    route: route.route,
    authLevel: route.authLevel,
    extraInputs: [df.input.durableClient()],
    handler: route.handler,
  });
}
