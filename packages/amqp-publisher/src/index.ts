export {
  AmqpPublisher,
  SEQ_HEADER,
  emitProcessWarning,
  type OutgoingMessage,
  type PublisherEvent,
  type PublisherOptions,
  type PublisherStats,
  type PublisherWarning,
  type PublisherWarningCode,
} from "./amqp-publisher.js";
export { type BackoffOptions } from "./backoff.js";
export { stringifyRecord, toJsonValue, type JsonValue } from "./to-json.js";
