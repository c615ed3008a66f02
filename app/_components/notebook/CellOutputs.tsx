"use client";

import type { CellOutput } from "@/lib/kernel/protocol";
import { MimeOutput } from "../outputs/MimeOutput";
import type { RestoredNotice } from "./useRestoredOutputs";

/**
 * Renders a cell's outputs in nbformat's shape: streams, results, displays and errors. Outputs
 * restored from an earlier session say so (with their execution count) until the cell runs again.
 */
export function CellOutputs({ outputs, restored = null }: { outputs: CellOutput[]; restored?: RestoredNotice | null }) {
  if (outputs.length === 0) return null;
  return (
    <div className={restored ? "cell-outputs cell-outputs-restored" : "cell-outputs"} data-testid="cell-output" data-restored={restored ? "true" : undefined}>
      {restored ? (
        <p className="outputs-restored-note" data-testid="restored-outputs">
          Outputs from an earlier session{restored.executionCount !== null ? ` (Out [${restored.executionCount}])` : ""}
          {restored.codeChanged ? ", made by code that has changed since" : ""}. Run the cell to refresh them.
        </p>
      ) : null}
      {outputs.map((output, index) => (
        <OutputView key={index} output={output} />
      ))}
    </div>
  );
}

function OutputView({ output }: { output: CellOutput }) {
  switch (output.output_type) {
    case "stream":
      return <pre className={`output-stream output-${output.name}`}>{output.text}</pre>;
    case "execute_result":
      return <MimeOutput data={output.data} className="output-result" />;
    case "display_data":
      return <MimeOutput data={output.data} className="output-display" />;
    case "error":
      return (
        <div className="output-error" role="alert">
          <strong>
            {output.ename}: {output.evalue}
          </strong>
          {output.line !== null ? <div className="output-error-line">Line {output.line} of this cell</div> : null}
          {output.traceback.length > 1 ? <pre className="output-traceback">{output.traceback.slice(1).join("\n")}</pre> : null}
        </div>
      );
  }
}
