/**
 * Operating a server: readiness (`GET /api/ready`), Prometheus metrics (`GET /metrics`, a
 * loopback metrics port, aggregated across `serve --workers`) and the index state both read.
 */
export { readinessReasons, readyRoutes, type ReadinessContext } from './ready.js';
export { createServerMetrics, measuredEngine, type ServerMetrics, type MetricsSources } from './metrics.js';
export { answerWorkerScrapes, listenMetrics, metricsRoute, processMetrics, workerMetrics, type MetricsListener, type MetricsText } from './expose.js';
export { readIndexState, type IndexState } from './state.js';
