#!/bin/sh
# Checks the azd environment before provisioning and creates the approval signing key once, so
# that approval links stay valid across later `azd provision` runs.
set -eu

if [ -n "${PAGERDUTY_API_KEY:-}" ] && [ -z "${PAGERDUTY_FROM_EMAIL:-}" ]; then
  echo "PAGERDUTY_API_KEY is set but PAGERDUTY_FROM_EMAIL is missing. PagerDuty requires the email of a user on the account in the From header of every write. Run: azd env set PAGERDUTY_FROM_EMAIL <agent user email>" >&2
  exit 1
fi

if [ -z "${APPROVAL_SIGNING_KEY:-}" ]; then
  # 32 random bytes as hex. The value is stored in the azd environment (.azure/<env>/.env), and
  # provisioning copies it into Key Vault.
  key="$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
  azd env set APPROVAL_SIGNING_KEY "$key"
  echo "Created APPROVAL_SIGNING_KEY in the azd environment."
fi
