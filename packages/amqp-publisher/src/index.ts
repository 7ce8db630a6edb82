export {
  AmqpPublisher,
  emitProcessWarning,
  type OutgoingMessage,
  type PublisherEvent,
  type PublisherOptions,
  type PublisherStats,
  type PublisherWarning,
  type PublisherWarningCode,
} from "./amqp-publisher";
export { type BackoffOptions } from "./backoff";
export { stringifyRecord, toJsonValue, type JsonValue } from "./to-json";
