import { Injectable, Logger, Optional } from '@nestjs/common';
import { Registry } from 'prom-client';
import { ServiceUnavailable } from '../common/errors';
import { ClusterMetrics } from './cluster-metrics';

/** A scrape's text: this process's metrics, or in a cluster worker those of every worker. */
@Injectable()
export class MetricsService {
  private readonly logger = new Logger(MetricsService.name);

  constructor(
    private readonly registry: Registry,
    @Optional() private readonly cluster?: ClusterMetrics,
  ) {}

  async scrape(): Promise<string> {
    if (!this.cluster) return this.registry.metrics();
    try {
      return await this.cluster.aggregate();
    } catch (error) {
      // A worker restarting does not answer the primary; the next scrape finds its replacement.
      this.logger.warn((error as Error).message);
      throw new ServiceUnavailable('The metrics of every server process could not be gathered.');
    }
  }
}
