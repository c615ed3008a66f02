"use client";

import { base64ToBytes } from "@/lib/kernel/display/base64";
import { describeSize } from "@/lib/kernel/display/bounds";
import type { FileData } from "@/lib/kernel/display/mime";

/** Saves the bytes under their name through a temporary object URL (nothing leaves the browser). */
function save(file: FileData): void {
  const blob = new Blob([base64ToBytes(file.base64) as BlobPart], { type: file.type });
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement("a");
  anchor.href = url;
  anchor.download = file.name;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // The download has started by now; the URL is only needed for the click.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** `download(data, filename)` in a cell: a button that saves the file the cell made. */
export function FileOutput({ file }: { file: FileData }) {
  return (
    <p className="output-file" data-testid="file-output">
      <button type="button" onClick={() => save(file)}>
        Download {file.name}
      </button>{" "}
      <span className="output-file-size">{describeSize(file.bytes)}</span>
    </p>
  );
}
