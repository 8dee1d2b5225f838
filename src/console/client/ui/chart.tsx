// Bar charts in SVG, drawn from the data the screen has, with the same figures as a table for anyone who
// cannot see the bars (screen readers read the table; the picture is hidden from them).
import { Table } from "./parts";

export interface Bar {
  label: string;
  value: number;
}

export function BarChart(props: { title: string; bars: Bar[]; format?: (n: number) => string }) {
  const format = props.format ?? String;
  const max = Math.max(1, ...props.bars.map((b) => b.value));
  const width = 600;
  const height = 180;
  const gap = 4;
  const barWidth = props.bars.length ? Math.max(2, (width - gap * props.bars.length) / props.bars.length) : 0;
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height + 20}`} role="presentation" aria-hidden="true" focusable="false">
        {props.bars.map((bar, i) => {
          const h = Math.round((bar.value / max) * height);
          const x = i * (barWidth + gap);
          return (
            <g>
              <rect x={x} y={height - h} width={barWidth} height={h} class="bar">
                <title>{`${bar.label}: ${format(bar.value)}`}</title>
              </rect>
              {props.bars.length <= 12 && (
                <text x={x + barWidth / 2} y={height + 14} text-anchor="middle" class="bar-label">
                  {bar.label}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <details>
        <summary>The figures</summary>
        <Table
          caption={props.title}
          rows={props.bars}
          columns={[
            { label: "", cell: (b) => b.label },
            { label: "Value", cell: (b) => format(b.value), numeric: true },
          ]}
        />
      </details>
    </figure>
  );
}
