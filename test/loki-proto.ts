/**
 * Loki push bodies as Promtail and Alloy encode them: Loki's push.proto (logproto) schema, encoded by protobufjs
 * and snappy-compressed (block format). A fixture for the unit tests and the benchmark; alco's own decoder is
 * hand-written (lib/ingest/loki-push.ts) and shares nothing with it.
 */
import protobuf from "protobufjs";
import SnappyJS from "snappyjs";

const PUSH_PROTO = `
syntax = "proto3";
package logproto;
message Timestamp { int64 seconds = 1; int32 nanos = 2; }
message PushRequest { repeated StreamAdapter streams = 1; }
message StreamAdapter { string labels = 1; repeated EntryAdapter entries = 2; uint64 hash = 3; }
message LabelPairAdapter { string name = 1; string value = 2; }
message EntryAdapter {
  Timestamp timestamp = 1;
  string line = 2;
  repeated LabelPairAdapter structuredMetadata = 3;
}`;

const PushRequest = protobuf.parse(PUSH_PROTO).root.lookupType("logproto.PushRequest");

export type LokiStreamInput = {
  labels: string;
  entries: {
    timestamp: { seconds: number; nanos: number };
    line: string;
    structuredMetadata?: { name: string; value: string }[];
  }[];
};

export function encodeLokiPush(streams: LokiStreamInput[]): Uint8Array {
  const bytes = PushRequest.encode(PushRequest.fromObject({ streams })).finish();
  return SnappyJS.compress(Uint8Array.from(bytes));
}
