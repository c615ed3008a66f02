import type { TableData } from "@/lib/kernel/display/mime";

export function TableOutput({ table }: { table: TableData }) {
  return (
    <div className="output-table-wrap">
      <table className="output-table">
        {table.title ? <caption>{table.title}</caption> : null}
        <thead>
          <tr>
            {table.columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((row, r) => (
            <tr key={r}>
              {row.map((cell, c) => (
                <td key={c}>{cell === null ? "" : String(cell)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
