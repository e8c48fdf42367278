import { ApiProperty } from '@nestjs/swagger';

/** Zaqar's error body, which every refusal answers (ZaqarError.toBody). */
export class ErrorBody {
  @ApiProperty({ example: 'Invalid API request' })
  title!: string;

  @ApiProperty({ example: 'Limit must be at least 1 and no greater than 20.' })
  description!: string;
}
