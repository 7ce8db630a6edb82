/**
 * fetch, sent once more when the server closed a kept-alive connection just as the client reused it (its idle
 * timeout): the request never reached the app, so resending is safe, and it is not a server failure. Anything
 * else is thrown as it came.
 */
export async function fetchResendingOnReset(
  url: string,
  init: RequestInit,
  onResend: () => void = () => undefined,
): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    if ((err as { cause?: { code?: string } }).cause?.code !== "UND_ERR_SOCKET") throw err;
    onResend();
    return fetch(url, init);
  }
}
