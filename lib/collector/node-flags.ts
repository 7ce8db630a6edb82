/**
 * How production starts the collector's Node (docker-compose.yml and the benchmarks): the bundled worker on plain
 * Node, no TypeScript loader, and a heap sized for what the collector holds. Its live data is the three batches
 * in flight (about 30 MiB at 2000 records a batch); left to itself V8 grows the heap to several times that before
 * collecting, which put the process at 230 MiB at full rate. With these limits it stays near 140 MiB. The young
 * generation's size is a trade: with 4 MiB semi-spaces the process stayed at ~125 MiB but scavenged so often that
 * it drained 11–14k records/s where 8 MiB gave 15–16k in the same hour (docs/BENCHMARKS.md).
 * Big records: a consumer holding more than MAX_INFLIGHT_BYTES (32 MiB) pauses, writes what it holds and resumes
 * with a prefetch window sized to the records it sees (index-consumer.ts). The first window after a start is still
 * counted in messages; RabbitMQ's `max_message_size` near MAX_MESSAGE_BYTES bounds that one too.
 */
export const COLLECTOR_NODE_FLAGS: string[] = ["--max-old-space-size=96", "--max-semi-space-size=8"];
