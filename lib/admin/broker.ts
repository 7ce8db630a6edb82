/** The admin API's use of RabbitMQ: one short-lived channel per operation, `unavailable` when it is away. */
import "server-only";
import type { Channel, ChannelModel, ConfirmChannel } from "amqplib";
import { AppError } from "@/lib/errors/app-error";
import { withAmqpChannel, withAmqpConnection } from "@/lib/services";

/** Whether an AMQP failure means "the broker is not reachable" rather than "this operation was refused". */
function isBrokerDown(err: unknown): boolean {
  const e = err as { code?: unknown; name?: unknown; message?: unknown };
  if (typeof e.code === "string" && /^E[A-Z]+$/.test(e.code)) return true;
  if (e.name === "IllegalOperationError") return true;
  return typeof e.message === "string" && /connection (closed|timeout)|socket/i.test(e.message);
}

function unavailable(err: unknown): never {
  if (isBrokerDown(err)) {
    console.error(`amqp unavailable: ${(err as Error).message}`);
    throw new AppError("unavailable", "RabbitMQ is not reachable right now; try again in a moment");
  }
  throw err;
}

export function onBroker<T>(fn: (ch: Channel) => Promise<T>): Promise<T> {
  return withAmqpChannel(fn).catch(unavailable);
}

export function onConfirmBroker<T>(fn: (ch: ConfirmChannel) => Promise<T>): Promise<T> {
  return withAmqpChannel(fn, { confirm: true }).catch(unavailable);
}

/** For topology changes, which open channels of their own (lib/amqp/topology.ts). */
export function onBrokerConnection<T>(fn: (connection: ChannelModel) => Promise<T>): Promise<T> {
  return withAmqpConnection(fn).catch(unavailable);
}

/** Whether a channel operation failed because the queue or exchange does not exist (404 NOT_FOUND). */
export function isNotFound(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return e.code === 404 || (typeof e.message === "string" && /NOT_FOUND/.test(e.message));
}

/** A queue's ready messages and consumers, or null if it does not exist or the broker is away. */
export async function queueCounts(queue: string): Promise<{ messages: number; consumers: number } | null> {
  try {
    const ok = await withAmqpChannel((ch) => ch.checkQueue(queue));
    return { messages: ok.messageCount, consumers: ok.consumerCount };
  } catch {
    return null;
  }
}

/** Whether a queue exists; throws `unavailable` when the broker cannot say. */
export async function queueExists(queue: string): Promise<boolean> {
  try {
    await onBroker((ch) => ch.checkQueue(queue));
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}
