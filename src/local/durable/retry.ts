/** Retry options as `callActivityWithRetry` passes them (the fields of durable-functions' `RetryOptions`). */
export interface RetryPolicy {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

export type RetryDecision =
  | { kind: "retry"; delayMs: number }
  | { kind: "exhausted" }
  | { kind: "timed-out" };

/**
 * Decides what follows the `failedAttempts`-th failure of an activity, the way the Durable Task
 * Framework's retry interceptor does. The next attempt comes `first * coefficient^(failed - 1)`
 * milliseconds later, capped at the maximum interval. There is none when every attempt is used or
 * when the retry timeout, counted from the first attempt, has passed. An unset coefficient means 1,
 * and an unset or non-positive maximum interval or timeout means no limit.
 */
export function decideRetry(policy: RetryPolicy, failedAttempts: number, firstAttemptAt: number, now: number): RetryDecision {
  if (failedAttempts >= policy.maxNumberOfAttempts) return { kind: "exhausted" };

  const timeout = policy.retryTimeoutInMilliseconds;
  if (typeof timeout === "number" && timeout > 0 && now - firstAttemptAt >= timeout) return { kind: "timed-out" };

  const coefficient = typeof policy.backoffCoefficient === "number" && policy.backoffCoefficient > 0 ? policy.backoffCoefficient : 1;
  let delayMs = policy.firstRetryIntervalInMilliseconds * coefficient ** Math.max(0, failedAttempts - 1);
  const maxInterval = policy.maxRetryIntervalInMilliseconds;
  if (typeof maxInterval === "number" && maxInterval > 0) delayMs = Math.min(delayMs, maxInterval);
  return { kind: "retry", delayMs: Math.max(0, Math.round(delayMs)) };
}
