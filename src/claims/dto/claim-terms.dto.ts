import { ApiPropertyOptional } from '@nestjs/swagger';

/** POST …/claims and PATCH …/claims/{claim}: how long the claim lasts, and its messages beyond it. */
export class ClaimTermsDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 60,
    maximum: 43200,
    description:
      'Seconds the claim holds its messages: 60 to max_claim_ttl (43200); default_claim_ttl (300) if absent.',
    example: 300,
  })
  ttl?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 60,
    maximum: 43200,
    description:
      'Seconds the claimed messages outlive the claim, so they are there to delete: 60 to max_claim_grace ' +
      '(43200); default_claim_grace (60) if absent.',
    example: 60,
  })
  grace?: number;
}
