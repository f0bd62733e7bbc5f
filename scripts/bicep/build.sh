#!/usr/bin/env bash
# Compiles and lints infra/main.bicep with the Bicep CLI pinned in bicep.proj, restoring it from
# NuGet first when it is not in the NuGet package folder yet.
#
# Usage: scripts/bicep/build.sh [OUT_DIR]
#   OUT_DIR  folder for the compiled ARM template (main.json); default .tools/bicep-out
#
# Exit status: 0 when the build and the linter report no error and no warning, 1 when they report
# any (or the build fails), 3 when the compiler is unavailable (no dotnet, or the restore failed).

set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
project="$root/scripts/bicep/bicep.proj"
template="$root/infra/main.bicep"
out_dir="${1:-$root/.tools/bicep-out}"

version="$(sed -n 's:.*<BicepVersion>\(.*\)</BicepVersion>.*:\1:p' "$project")"
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
bicep="$packages/azure.bicep.commandline.linux-x64/$version/tools/bicep"

if [[ ! -f "$bicep" ]]; then
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "Bicep compiler unavailable: $bicep is missing and dotnet is not installed to restore it." >&2
    exit 3
  fi
  echo "Restoring Bicep CLI $version from NuGet..." >&2
  if ! dotnet restore "$project" --nologo --verbosity quiet >&2; then
    echo "Bicep compiler unavailable: dotnet restore of $project failed." >&2
    exit 3
  fi
fi
# NuGet extracts files without guaranteeing the execute bit.
[[ -x "$bicep" ]] || chmod +x "$bicep"

mkdir -p "$out_dir"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

# Bicep exits 0 on warnings, so its diagnostics are read as well: any line with " : Warning " or
# " : Error " fails the build.
status=0
"$bicep" build "$template" --outdir "$out_dir" >"$log" 2>&1 || status=1
"$bicep" lint "$template" >>"$log" 2>&1 || status=1
cat "$log" >&2

if grep -Eq ' : (Warning|Error) ' "$log"; then
  status=1
fi
if [[ $status -ne 0 ]]; then
  echo "Bicep build or lint of infra/main.bicep reported errors or warnings (Bicep CLI $version)." >&2
  exit 1
fi

echo "Bicep CLI $version: infra/main.bicep compiled to $out_dir/main.json; build and lint clean." >&2
