import * as df from "durable-functions";

/** Retry policy for the incident activities: 3 attempts, 2 s then 4 s apart. */
export function activityRetry(): df.RetryOptions {
  const options = new df.RetryOptions(2000, 3);
  options.backoffCoefficient = 2;
  options.maxRetryIntervalInMilliseconds = 30_000;
  return options;
}
