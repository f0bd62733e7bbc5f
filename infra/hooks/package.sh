#!/bin/sh
# Stages the function app's deployment package in .tools/deploy-package, the `dist` folder that
# azure.yaml gives azd: the compiled JavaScript (dist/), host.json, package.json,
# package-lock.json and production dependencies only, so jest, TypeScript, Azurite and the `node`
# dev dependency stay out of the package. azd runs it after `npm run build`.
set -eu

root="$(cd "$(dirname "$0")/../.." && pwd)"
stage="$root/.tools/deploy-package"

if [ ! -d "$root/dist/src/functions" ]; then
  echo "dist/src/functions is missing: run npm run build before packaging." >&2
  exit 1
fi

rm -rf "$stage"
mkdir -p "$stage"
cp -R "$root/dist" "$stage/dist"
cp "$root/host.json" "$root/package.json" "$root/package-lock.json" "$root/.funcignore" "$stage/"

# The production dependencies are plain JavaScript, so a package built on macOS or Windows runs
# on the Linux workers too.
cd "$stage"
npm ci --omit=dev --no-audit --no-fund

echo "Staged the deployment package in $stage."
