import { IsBoolean, IsInt, IsObject, IsOptional, Min, ValidateBy, validateSync } from 'class-validator';
import { InvalidApiRequest } from '../common/errors';

/** Zaqar's floor for a subscription's TTL (validation.MIN_SUBSCRIPTION_TTL). */
export const MIN_SUBSCRIPTION_TTL = 60;
/** Python's datetime.max, which now + ttl may not pass (Zaqar's overflow check), in seconds. */
const DATETIME_MAX_SECONDS = 253_402_300_799;

/**
 * The fields of a subscription body that Zaqar checks, in the order it checks them; every
 * message is Zaqar's. The subscriber's scheme depends on configuration and is checked by the
 * service. Zaqar lets falsy values through unchecked (a ttl of 0 made a subscription that was
 * born expired); here only absent fields are skipped.
 */
export class SubscriptionFieldsDto {
  @IsOptional()
  subscriber?: unknown;

  @IsOptional()
  @IsObject({ message: 'Options must be a dict.' })
  options?: Record<string, unknown>;

  // class-validator runs a property's rules from the bottom decorator up.
  @IsOptional()
  @ValidateBy(
    {
      name: 'endsBeforeDatetimeMax',
      validator: { validate: (ttl: number) => Date.now() / 1000 + ttl <= DATETIME_MAX_SECONDS },
      constraints: [],
    },
    {
      message: 'The TTL seconds for a subscription plus current time must be less than 9999-12-31 23:59:59.999999.',
    },
  )
  @Min(MIN_SUBSCRIPTION_TTL, {
    message: `The TTL for a subscription must be at least ${MIN_SUBSCRIPTION_TTL} seconds long.`,
  })
  @IsInt({ message: 'TTL must be an integer.' })
  ttl?: number;
}

export class ConfirmationDto {
  @IsBoolean({ message: "The 'confirmed' should be boolean." })
  confirmed!: boolean;
}

/**
 * Validates `document` against the DTO's rules and throws Zaqar's 400 with the first broken rule.
 * Its fields are copied as they are, not through class-transformer, whose deep copy fails on a
 * nested key named `constructor` (options: {"constructor": []}); defined, not assigned, so a
 * `__proto__` key stays a key and cannot swap the prototype that carries the rules.
 */
export function validateDto<T extends object>(type: new () => T, document: Record<string, unknown>): T {
  const dto = new type();
  for (const [key, value] of Object.entries(document)) {
    Object.defineProperty(dto, key, { value, enumerable: true, writable: true, configurable: true });
  }
  const [failure] = validateSync(dto, { stopAtFirstError: true, forbidUnknownValues: false });
  if (failure) throw new InvalidApiRequest(Object.values(failure.constraints ?? {})[0] ?? 'Invalid request.');
  return dto;
}
