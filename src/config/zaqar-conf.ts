import * as fs from 'node:fs';
import { parse } from 'ini';

/** A parsed zaqar.conf: section name → option name → raw string value. */
export type ZaqarConf = Record<string, Record<string, string>>;

/**
 * Reads an oslo.config style INI file. Values stay strings; the settings loader types them,
 * so a bad value is reported with its section and option name.
 */
export function readZaqarConf(file: string): ZaqarConf {
  const parsed = parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  const conf: ZaqarConf = {};
  for (const [section, options] of Object.entries(parsed)) {
    if (typeof options !== 'object' || options === null) continue; // options before any [section]
    conf[section] = {};
    for (const [name, value] of Object.entries(options as Record<string, unknown>)) {
      conf[section][name] = String(value).trim();
    }
  }
  return conf;
}
