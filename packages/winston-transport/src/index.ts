export { AlcoTransport, type AlcoTransportOptions } from "./alco-transport";
export { winstonRecord } from "./winston-record";
export type { PublisherStats, PublisherWarning } from "@alco/amqp-publisher";
