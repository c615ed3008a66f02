"use client";

import type { MimeBundle } from "@/lib/kernel/protocol";
import { FILE_MIME, IMAGE_MIME, LINK_MIME, PLOTLY_MIME, PROGRESS_MIME, TABLE_MIME, type FileData, type GrayscaleImage, type LinkData, type PlotlyFigure, type ProgressData, type TableData } from "@/lib/kernel/display/mime";
import { PlotlyChart } from "../plot/PlotlyChart";
import { TableOutput } from "./TableOutput";
import { GrayscaleImageOutput } from "./GrayscaleImageOutput";
import { ProgressOutput } from "./ProgressOutput";
import { LinkOutput } from "./LinkOutput";
import { FileOutput } from "./FileOutput";

/** Shows the richest representation of a MIME bundle that the page knows how to draw. */
export function MimeOutput({ data, className }: { data: MimeBundle; className: string }) {
  if (data[PLOTLY_MIME]) {
    const figure = data[PLOTLY_MIME] as PlotlyFigure;
    return <PlotlyChart data={figure.data} layout={figure.layout} label={data["text/plain"]} />;
  }
  if (data[TABLE_MIME]) return <TableOutput table={data[TABLE_MIME] as TableData} />;
  if (data[IMAGE_MIME]) return <GrayscaleImageOutput image={data[IMAGE_MIME] as GrayscaleImage} />;
  if (data[PROGRESS_MIME]) return <ProgressOutput progress={data[PROGRESS_MIME] as ProgressData} />;
  if (data[LINK_MIME]) return <LinkOutput link={data[LINK_MIME] as LinkData} plain={data["text/plain"]} />;
  if (data[FILE_MIME]) return <FileOutput file={data[FILE_MIME] as FileData} />;
  return <pre className={className}>{data["text/plain"]}</pre>;
}
