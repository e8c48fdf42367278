import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';

/** marker and limit, as every Zaqar listing pages; `maxOption` names the option that caps `limit`. */
export function ApiPaging(maxOption: string) {
  return applyDecorators(
    ApiQuery({
      name: 'marker',
      required: false,
      type: String,
      description: 'Where the page starts: the marker of the previous page\'s "next" link.',
    }),
    ApiQuery({
      name: 'limit',
      required: false,
      schema: { type: 'integer', minimum: 1 },
      description: `Page size: 10 unless given, at most ${maxOption} (20 by default).`,
    }),
  );
}

/** A true/false query flag; Zaqar also reads yes/no, on/off, 1/0. */
export function ApiFlag(name: string, description: string) {
  return ApiQuery({ name, required: false, type: Boolean, description });
}

/** Long polling: how long to wait for a message when none is there yet. */
export function ApiWait(what: string) {
  return ApiQuery({
    name: 'wait',
    required: false,
    schema: { type: 'integer', minimum: 0, maximum: 20 },
    description: `Seconds (0-20) to wait for a message to be posted when ${what}; answers as soon as one is.`,
  });
}
