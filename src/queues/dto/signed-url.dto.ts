import { ApiProperty } from '@nestjs/swagger';

/** A pre-signed URL's fields, to send back as URL-Signature, URL-Expires, URL-Methods, URL-Paths. */
export class SignedUrlDto {
  @ApiProperty({ type: [String], example: ['/v2/queues/fizbit/messages'] })
  paths!: string[];

  @ApiProperty({ type: [String], example: ['GET'] })
  methods!: string[];

  @ApiProperty({ type: String, nullable: true })
  project!: string | null;

  @ApiProperty({ example: '2026-09-01T00:00:00' })
  expires!: string;

  @ApiProperty({ example: '6a63d63242ebd18c3518871dda6fdcb6273db2672c599bf985469241e9a1c799' })
  signature!: string;
}
