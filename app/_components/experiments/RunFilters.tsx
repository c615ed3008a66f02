import styles from "./experiments.module.css";

interface Choice {
  value: string;
  label: string;
}

function FilterSelect({ label, ariaLabel, value, onChange, all, choices }: { label: string; ariaLabel: string; value: string; onChange(value: string): void; all?: string; choices: Choice[] }) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)} aria-label={ariaLabel}>
        {all !== undefined ? <option value="">{all}</option> : null}
        {choices.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
    </label>
  );
}

export interface RunFiltersProps {
  lessons: { slug: string; title: string }[];
  lesson: string;
  setLesson(slug: string): void;
  names: string[];
  name: string;
  setName(name: string): void;
  metricNames: string[];
  metric: string;
  setMetric(metric: string): void;
}

const same = (value: string): Choice => ({ value, label: value });

/** Lesson, experiment name and plotted metric; export links for what the filters select. */
export function RunFilters({ lessons, lesson, setLesson, names, name, setName, metricNames, metric, setMetric }: RunFiltersProps) {
  const exportQuery = new URLSearchParams({ ...(lesson ? { lesson } : {}), ...(name ? { name } : {}) }).toString();
  return (
    <div className={styles.filters}>
      <FilterSelect label="Lesson" ariaLabel="Filter by lesson" value={lesson} onChange={setLesson} all="All lessons" choices={lessons.map((l) => ({ value: l.slug, label: l.title }))} />
      <FilterSelect label="Experiment" ariaLabel="Filter by name" value={name} onChange={setName} all="All names" choices={names.map(same)} />
      <FilterSelect label="Metric" ariaLabel="Metric to plot" value={metric} onChange={setMetric} choices={metricNames.map(same)} />
      <span className={styles.exports}>
        <a href={`/api/experiments/export?format=csv&${exportQuery}`} download>
          Export CSV
        </a>
        <a href={`/api/experiments/export?format=json&${exportQuery}`} download>
          Export JSON
        </a>
      </span>
    </div>
  );
}
