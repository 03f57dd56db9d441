#!/usr/bin/env bash
# Validates the Kubeflow pipeline files pipewright emits against KFP's own protos and the
# references the KFP backend resolves, using the shared validator
# (../shared/tools/kfp-validate.mjs, which loads protobufjs and yaml from the cwd: the
# workspace root, after `pnpm install`). Files: every example in every grouping mode, the
# daily-events example with its map nodes fanned out (both engines), random DAGs with map
# nodes, the test plan in every mode on both engines, a 5,000-node synthetic plan, hostile
# values, and the checked-in goldens. Run from the repository root.
set -euo pipefail
validator="${KFP_VALIDATOR:-../shared/tools/kfp-validate.mjs}"
if [ ! -f "$validator" ]; then
  echo "validate-kfp: $validator not found; set KFP_VALIDATOR" >&2
  exit 1
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
npx tsx packages/kubeflow/scripts/emit-files.ts "$out"
cp packages/kubeflow/test/golden/*.yaml "$out/"
status=0
count=0
for f in "$out"/*.yaml; do
  count=$((count + 1))
  if node "$validator" "$f" > "$f.report.json"; then
    echo "kfp-validate ok: $(basename "$f")"
  else
    echo "kfp-validate FAILED: $(basename "$f")" >&2
    cat "$f.report.json" >&2
    status=1
  fi
done
echo "kfp-validate: $count files checked"
exit $status
