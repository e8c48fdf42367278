/** One sample line of Prometheus's text exposition format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  /** Each metric family's TYPE, by family name. */
  types: Map<string, string>;
  samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"`;
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*)?\\})? (\\S+)$`);
const HELP = new RegExp(`^# HELP (${NAME}) .*$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const VALUE = /^(?:[+-]?(?:\d+\.?\d*(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?)|[+-]Inf|NaN)$/i;
/** The lines a histogram or summary family writes under names of its own. */
const SUFFIXES = ['_bucket', '_sum', '_count'];

/**
 * Parses the text format strictly: every line is blank, a HELP or TYPE comment, or a sample
 * `name{label="value",…} value` of a family whose HELP and TYPE came before it. Throws naming the
 * first line that is none of these.
 */
export function parsePrometheusText(text: string): Exposition {
  const helped = new Set<string>();
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  text.split('\n').forEach((line, index) => {
    const fail = (why: string) => {
      throw new Error(`line ${index + 1} ${why}: ${JSON.stringify(line)}`);
    };
    if (line === '') return;
    if (line.startsWith('#')) {
      const help = HELP.exec(line);
      const type = TYPE.exec(line);
      if (help) helped.add(help[1]);
      else if (type) types.set(type[1], type[2]);
      else fail('is a comment that is neither HELP nor TYPE');
      return;
    }
    const match = SAMPLE.exec(line);
    if (!match) return fail('is not `name{labels} value`');
    const [, name, labelText, value] = match;
    if (!VALUE.test(value)) fail('has a value that is not a number');
    const family = familyOf(name, types);
    if (family === undefined || !helped.has(family)) fail('comes before its HELP and TYPE');
    const labels: Record<string, string> = {};
    for (const [, label, raw] of (labelText ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[label] = raw.replace(/\\(.)/g, (_all, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name, labels, value: Number(value.replace(/inf/i, 'Infinity')) });
  });
  return { types, samples };
}

function familyOf(name: string, types: Map<string, string>): string | undefined {
  if (types.has(name)) return name;
  const suffix = SUFFIXES.find((s) => name.endsWith(s));
  const family = suffix && name.slice(0, -suffix.length);
  return family && ['histogram', 'summary'].includes(types.get(family) ?? '') ? family : undefined;
}

/** The samples of `name` whose labels include `labels`. */
export function samplesOf(exposition: Exposition, name: string, labels: Record<string, string> = {}): Sample[] {
  return exposition.samples.filter(
    (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
}

/** The value of the one sample of `name` with exactly these labels; undefined when there is none. */
export function valueOf(exposition: Exposition, name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samplesOf(exposition, name, labels).filter(
    (sample) => Object.keys(sample.labels).length === Object.keys(labels).length,
  );
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`);
  return found[0]?.value;
}
