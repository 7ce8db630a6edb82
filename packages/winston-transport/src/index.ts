export { AlcoTransport, type AlcoTransportOptions } from "./alco-transport.js";
export { winstonRecord } from "./winston-record.js";
export type { PublisherStats, PublisherWarning } from "@alco/amqp-publisher";
