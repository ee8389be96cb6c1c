// The log gateway: TCP, TLS and UDP listeners that take any log line (journal JSON, syslog,
// logfmt, JSON, plain text), parse it with src/parse and hand the records to the pipeline.
export {
  gatewaySchema,
  listenerSchema,
  listenersOf,
  type GatewayConfig,
  type ListenerConfig,
} from './config.ts';
export { gatewaySources } from './gateway.ts';
