import { pipeline } from "@pipewright/core";
import { aggregate } from "../nodes/aggregate.ts";
import { clean } from "../nodes/clean.ts";
import { buildReportNode } from "../nodes/report.ts";

/** raw_events (per day) -> clean_events (per day) -> daily_stats (per day) -> report. */
export const daily = () => pipeline([clean, aggregate, buildReportNode]);
