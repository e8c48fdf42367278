import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { Registry } from 'prom-client';
import { Unscoped } from '../common/request-context';
import { Action } from '../policy/action.decorator';
import { MetricsAccessGuard } from './metrics-access.guard';
import { ApiMetrics } from './metrics.openapi';
import { MetricsService } from './metrics.service';

@Controller()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  /**
   * Prometheus's text format. Unscoped: a scrape needs no Client-ID or project; MetricsAccessGuard
   * authenticates and checks the action (admins by default: the metrics name every project's queues).
   */
  @Unscoped()
  @UseGuards(MetricsAccessGuard)
  @Action('metrics:get')
  @ApiMetrics()
  @Get('metrics')
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  scrape(): Promise<string> {
    return this.metrics.scrape();
  }
}
