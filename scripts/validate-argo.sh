#!/usr/bin/env bash
# Validates the Argo manifests pipewright emits for every example (all three kinds) and the
# checked-in goldens (the examples' and the adapter's own) with Argo's own CRDs and controller rules, using the shared validator
# (../shared/tools/argo-validate.mjs). Run from the repository root after `pnpm install`.
set -euo pipefail
validator="${ARGO_VALIDATOR:-../shared/tools/argo-validate.mjs}"
if [ ! -f "$validator" ]; then
  echo "validate-argo: $validator not found; set ARGO_VALIDATOR" >&2
  exit 1
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
bin="$PWD/packages/cli/bin/pipewright.cjs"
for project in examples/spaceflights examples/iris-like examples/team-reuse/team-a examples/team-reuse/team-b examples/daily-events; do
  name=$(basename "$project")
  for kind in workflow template cron; do
    extra=()
    [ "$kind" = cron ] && extra=(--schedule "0 3 * * *" --schedule "30 12 * * 1-5")
    NO_COLOR=1 node "$bin" compile --cwd "$project" --target argo --kind "$kind" --group memory \
      --out "$out/$name-$kind.yaml" "${extra[@]}"
  done
done
cp test/targets/golden/argo-*.yaml "$out/"
for f in packages/argo/test/golden/*.yaml; do cp "$f" "$out/unit-$(basename "$f")"; done
status=0
for f in "$out"/*.yaml; do
  if node "$validator" "$f" > "$f.report.json"; then
    echo "argo-validate ok: $(basename "$f")"
  else
    echo "argo-validate FAILED: $(basename "$f")" >&2
    cat "$f.report.json" >&2
    status=1
  fi
done
exit $status
