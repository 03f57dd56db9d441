/** KFP's own placeholders and Kubernetes references: what must never be interpreted. */
export const KFP_HOSTILE = [
  "{{$}}",
  "{{$.inputs.parameters['pipewright_run_id']}}",
  "{{$.pipeline_job_uuid}}",
  "{{$.outputs.parameters['x'].output_file}}",
  '{"Concat": ["a", "b"]}',
  "$(PIPEWRIGHT_LBRACE)",
  "${{",
];
