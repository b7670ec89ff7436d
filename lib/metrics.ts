// Prometheus metrics (prom-client), one registry per process, served at GET /metrics.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ariflow_' });
  return {
    registry,
    callsActive: new Gauge({ name: 'ariflow_calls_active', help: 'Calls currently handled', registers: [registry] }),
    callsTotal: new Counter({ name: 'ariflow_calls_total', help: 'Calls handled since start', registers: [registry] }),
    ariReconnects: new Counter({ name: 'ariflow_ari_reconnects_total', help: 'ARI websocket reconnections', registers: [registry] }),
    ariConnected: new Gauge({ name: 'ariflow_ari_connected', help: '1 while the ARI websocket is connected', registers: [registry] }),
    httpRequests: new Counter({
      name: 'ariflow_http_requests_total',
      help: 'HTTP requests by method, route and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
