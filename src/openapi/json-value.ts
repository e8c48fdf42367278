import type { ApiPropertyOptions } from '@nestjs/swagger';

/** A property that holds any JSON value, as message bodies and metadata values do. */
export const JSON_VALUE: ApiPropertyOptions = {
  oneOf: [
    { type: 'object' },
    { type: 'array', items: {} },
    { type: 'string' },
    { type: 'number' },
    { type: 'boolean' },
  ],
};
