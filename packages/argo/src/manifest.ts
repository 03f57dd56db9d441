import type { ArgoKind, ArgoOptions } from "./options.ts";

const API_VERSION = "argoproj.io/v1alpha1";

/** The parts of the object that do not depend on its kind. */
export interface ManifestParts {
  kind: ArgoKind;
  /** Base name, already a DNS label short enough for this kind (see baseNameBudget). */
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** A WorkflowSpec: entrypoint, templates ... */
  spec: Record<string, unknown>;
}

/**
 * Longest base name for which the longest pod name stays a valid 63-character hostname.
 * A pod is named "<workflow>-<template>-<10-digit hash>"; a Workflow's name is its
 * generateName plus 5 random characters (as is a run of a WorkflowTemplate), and a
 * CronWorkflow's run is "<cron name>-<10-digit timestamp>". CronWorkflow names are also
 * capped at 52 by Argo, the others at 63 by Kubernetes.
 */
export function baseNameBudget(kind: ArgoKind, longestTemplate: number): number {
  const runSuffix = kind === "cron" ? 11 : 6;
  const room = 63 - runSuffix - 1 - longestTemplate - 11;
  return Math.max(10, Math.min(room, kind === "cron" ? 52 : 63));
}

/**
 * The Kubernetes object: a Workflow (generateName, so each submission is a new run), a
 * WorkflowTemplate (submit with `argo submit --from workflowtemplate/<name>`) or a
 * CronWorkflow (v4's `schedules` list). Template and cron runs carry the same labels and
 * annotations through workflowMetadata, so `argo list -l ...` finds them.
 */
export function manifest(parts: ManifestParts, options: ArgoOptions): Record<string, unknown> {
  const metadata = {
    ...(parts.kind === "workflow" ? { generateName: `${parts.name}-` } : { name: parts.name }),
    ...(options.namespace !== undefined && { namespace: options.namespace }),
    labels: parts.labels,
    annotations: parts.annotations,
  };
  const workflowMetadata = { labels: parts.labels, annotations: parts.annotations };
  switch (parts.kind) {
    case "workflow":
      return { apiVersion: API_VERSION, kind: "Workflow", metadata, spec: parts.spec };
    case "template":
      return {
        apiVersion: API_VERSION,
        kind: "WorkflowTemplate",
        metadata,
        spec: { ...parts.spec, workflowMetadata },
      };
    case "cron":
      return {
        apiVersion: API_VERSION,
        kind: "CronWorkflow",
        metadata,
        spec: {
          schedules: options.schedules ?? [],
          ...(options.timezone !== undefined && { timezone: options.timezone }),
          ...(options.concurrencyPolicy !== undefined && {
            concurrencyPolicy: options.concurrencyPolicy,
          }),
          workflowMetadata,
          workflowSpec: parts.spec,
        },
      };
  }
}
