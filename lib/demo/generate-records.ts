/**
 * Deterministic log traffic for demos, tests and benchmarks: the same seed gives the same records, byte for byte.
 * Records come in the three formats the collector accepts (DESIGN.md "The record"), about 40% Python logcollect,
 * 40% winston JSON and 20% pino JSON, from 8 hosts and 6 loggers, with what real services log: HTTP access lines,
 * slow queries, cache hits and misses, payment retries, failed logins, the odd stack trace and non-ASCII text.
 *
 * Times start at `startMs` and advance by 1000/ratePerSec ms on average, with jitter. Each host's clock is off by
 * up to 1.5 ms, so records from different hosts interleave slightly out of order, as they do in production; no
 * record is more than a few ms older than the one before it. Logcollect senders are taken to run in UTC, so their
 * `@timestamp` wall-clock time (with its customary `Z`) is also the true instant.
 */

import { normalizeLevel } from "@/lib/records/levels";

export type RecordFormat = "logcollect" | "winston" | "pino";

export type GeneratedRecord = {
  routingKey: string;
  body: Record<string, unknown>;
  messageId: string;
  /** The same record as one plain-text log line (multi-line messages keep their newlines), for grep benchmarks. */
  line: string;
  format: RecordFormat;
  /** The record's time, epoch ms. */
  ts: number;
};

export type RecordGeneratorOptions = {
  seed: number;
  startMs: number;
  ratePerSec: number;
  /** Logger index the routing keys address: `<prefix>.<index>.<logger>`. */
  index?: string;
  prefix?: string;
};

/** mulberry32: 32 bits of state, fast, and good enough for synthetic traffic. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
  weighted<T>(table: readonly (readonly [T, number])[]): T {
    const total = table.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [v, w] of table) {
      r -= w;
      if (r < 0) return v;
    }
    return (table[table.length - 1] as readonly [T, number])[0];
  }
  hex(digits: number): string {
    let s = "";
    for (let i = 0; i < digits; i++) s += Math.floor(this.next() * 16).toString(16);
    return s;
  }
}

type Level = "debug" | "info" | "warn" | "error" | "fatal";

export const DEMO_LOGGERS = [
  "shop.views",
  "shop.payments",
  "auth.login",
  "db.queries",
  "cache.redis",
  "http.access",
] as const;
type LoggerName = (typeof DEMO_LOGGERS)[number];

export const DEMO_HOSTS = [
  "web-01.prod.local",
  "web-02.prod.local",
  "web-03.prod.local",
  "web-04.prod.local",
  "api-01.prod.local",
  "api-02.prod.local",
  "worker-01.prod.local",
  "worker-02.prod.local",
] as const;

/** A stack frame: Python `[file, function, source line]`, Node `[function, file]`; innermost frame last. */
type PyFrame = readonly [string, string, string];
type NodeFrame = readonly [string, string];

/** What went wrong, as each runtime would report it; line numbers are drawn per record. */
type Failure = {
  python: { frames: readonly PyFrame[]; exc: string };
  node: { frames: readonly NodeFrame[]; exc: string };
};

type Event = {
  logger: LoggerName;
  level: Level;
  message: string;
  failure?: Failure;
  http?: { method: string; path: string; status: number; durationMs: number };
  /** Extra fields, camelCase; logcollect writes them in snake_case as Python extras are. */
  extra: Record<string, string | number>;
};

const USERS = ["alice", "bob", "josé", "zoë", "mehmet", "yuki", "olga", "priya", "admin", "svc-backup"];
const PRODUCTS = [
  "Café Crème 1kg",
  "Matcha 抹茶 100g",
  "日本語の本",
  "Smørrebrød kit",
  "Crème brûlée torch",
  "USB-C cable 2m",
];

const STATUS_WEIGHTS = [
  [200, 62],
  [201, 6],
  [204, 5],
  [301, 1],
  [304, 6],
  [400, 4],
  [401, 3],
  [403, 1],
  [404, 6],
  [409, 1],
  [429, 1.5],
  [500, 2],
  [502, 1],
  [503, 0.5],
] as const;

function privateIp(rng: Rng): string {
  return `10.${rng.int(0, 9)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

function clientIp(rng: Rng): string {
  // Documentation ranges (RFC 5737) stand in for the internet.
  return rng.chance(0.6)
    ? privateIp(rng)
    : `${rng.pick(["203.0.113", "198.51.100", "192.0.2"])}.${rng.int(1, 254)}`;
}

function httpEvent(rng: Rng): Event {
  const id = rng.int(1, 99_999);
  const [method, path] = rng.weighted<readonly [string, string]>([
    [["GET", `/api/orders/${id}`], 20],
    [["GET", `/api/orders?page=${rng.int(1, 40)}`], 8],
    [["POST", "/api/orders"], 6],
    [["PUT", `/api/orders/${id}`], 3],
    [["GET", `/api/products/${id}`], 18],
    [["GET", `/api/search?q=${encodeURIComponent(rng.pick(["café", "抹茶", "usb c", "book"]))}`], 6],
    [["POST", "/api/cart/items"], 7],
    [["DELETE", `/api/cart/items/${id}`], 2],
    [["GET", `/api/users/${id}`], 6],
    [["POST", "/api/auth/login"], 5],
    [["GET", "/healthz"], 10],
    [["GET", `/static/js/app.${rng.hex(6)}.js`], 9],
  ]);
  const status = rng.weighted(STATUS_WEIGHTS);
  // Roughly log-normal: most requests take a few ms, a long tail takes seconds; server errors are slower.
  const durationMs =
    Math.round(Math.exp(rng.float() * (status >= 500 ? 9 : 6.5))) + (status >= 500 ? 100 : 0);
  const level: Level = status >= 500 ? "error" : status >= 400 ? "warn" : "info";
  return {
    logger: "http.access",
    level,
    message: `${method} ${path} ${status} ${durationMs}ms`,
    http: { method, path, status, durationMs },
    extra: { clientIp: clientIp(rng), requestId: `req-${rng.hex(12)}` },
  };
}

const SLOW_QUERIES = [
  "SELECT * FROM orders WHERE user_id = $1 ORDER BY created_at DESC LIMIT 50",
  "SELECT p.*, s.qty FROM products p JOIN stock s ON s.product_id = p.id WHERE p.category_id = $1",
  "UPDATE stock SET qty = qty - $1 WHERE product_id = $2 AND qty >= $1",
  "SELECT count(*) FROM sessions WHERE expires_at < now()",
  "INSERT INTO order_items (order_id, product_id, qty, price) VALUES ($1, $2, $3, $4)",
];

function dbEvent(rng: Rng): Event {
  if (rng.chance(0.85)) {
    const ms = rng.int(500, 9000);
    return {
      logger: "db.queries",
      level: "warn",
      message: `slow query (${ms} ms): ${rng.pick(SLOW_QUERIES)}`,
      extra: { durationMs: ms, db: "shop" },
    };
  }
  const orderId = rng.int(10_000, 999_999);
  if (rng.chance(0.5)) {
    return {
      logger: "db.queries",
      level: "error",
      message: `deadlock detected while updating orders id=${orderId}; transaction rolled back`,
      failure: {
        python: {
          frames: [
            [
              "/srv/shop/shop/models/orders.py",
              "reserve_stock",
              "cursor.execute(UPDATE_STOCK, (qty, product_id))",
            ],
            [
              "/srv/shop/venv/lib/python3.11/site-packages/django/db/backends/utils.py",
              "_execute",
              "return self.cursor.execute(sql, params)",
            ],
          ],
          exc: `psycopg2.errors.DeadlockDetected: deadlock detected\nDETAIL:  Process ${rng.int(1000, 9999)} waits for ShareLock on transaction ${rng.int(10_000, 99_999)}; blocked by process ${rng.int(1000, 9999)}.`,
        },
        node: {
          frames: [
            ["StockRepository.reserve", "/app/dist/repositories/stock-repository.js"],
            ["Parser.parseErrorMessage", "/app/node_modules/pg-protocol/dist/parser.js"],
          ],
          exc: "error: deadlock detected",
        },
      },
      extra: { orderId, db: "shop" },
    };
  }
  const waiting = rng.int(5, 80);
  return {
    logger: "db.queries",
    level: "error",
    message: `could not get a connection from the pool within 5000 ms (size 20, ${waiting} waiting)`,
    failure: {
      python: {
        frames: [
          ["/srv/shop/shop/db.py", "session_scope", "conn = engine.connect()"],
          [
            "/srv/shop/venv/lib/python3.11/site-packages/sqlalchemy/pool/impl.py",
            "_do_get",
            "raise exc.TimeoutError(",
          ],
        ],
        exc: "sqlalchemy.exc.TimeoutError: QueuePool limit of size 20 overflow 0 reached, connection timed out, timeout 5.00",
      },
      node: {
        frames: [
          ["OrderRepository.findByUser", "/app/dist/repositories/order-repository.js"],
          ["Timeout._onTimeout", "/app/node_modules/pg-pool/index.js"],
        ],
        exc: "Error: timeout exceeded when trying to connect",
      },
    },
    extra: { waiting, db: "shop" },
  };
}

function cacheEvent(rng: Rng): Event {
  const key = rng.weighted([
    [`user:${rng.int(1, 50_000)}`, 5],
    [`product:${rng.int(1, 99_999)}`, 4],
    [`session:${rng.hex(16)}`, 3],
    [`cart:${rng.int(1, 50_000)}`, 2],
  ]);
  const r = rng.float();
  if (r < 0.68) return { logger: "cache.redis", level: "debug", message: `cache hit ${key}`, extra: { key } };
  if (r < 0.95) {
    const ms = rng.int(1, 60);
    return {
      logger: "cache.redis",
      level: "info",
      message: `cache miss ${key} (loaded in ${ms} ms, ttl ${rng.pick([60, 300, 3600])} s)`,
      extra: { key, durationMs: ms },
    };
  }
  return rng.chance(0.5)
    ? {
        logger: "cache.redis",
        level: "warn",
        message: `redis connection reset by peer; reconnecting (attempt ${rng.int(1, 4)})`,
        extra: {},
      }
    : {
        logger: "cache.redis",
        level: "warn",
        message: `evicted ${rng.int(100, 20_000)} keys under memory pressure (used_memory 3.9G of 4G)`,
        extra: {},
      };
}

function appEvent(rng: Rng): Event {
  const userId = rng.int(1, 50_000);
  const orderId = rng.int(10_000, 999_999);
  const productId = rng.int(1, 99_999);
  const product = rng.pick(PRODUCTS);
  const r = rng.float();
  if (r < 0.3) {
    const items = rng.int(1, 7);
    const total = (rng.int(299, 49_999) / 100).toFixed(2);
    return {
      logger: "shop.views",
      level: "info",
      message: `order ${orderId} created for user ${userId}: ${items} items, total €${total}`,
      extra: { userId, orderId },
    };
  }
  if (r < 0.55) {
    return {
      logger: "shop.views",
      level: "info",
      message: `user ${userId} added product ${productId} "${product}" to cart`,
      extra: { userId, productId },
    };
  }
  if (r < 0.7) {
    const q = rng.pick(["日本語 本", "café", "crème brûlée", "抹茶", "smørrebrød"]);
    return {
      logger: "shop.views",
      level: "info",
      message: `search "${q}" returned ${rng.int(0, 240)} results in ${rng.int(3, 180)} ms`,
      extra: { userId },
    };
  }
  if (r < 0.8) {
    return {
      logger: "shop.views",
      level: "info",
      message: `order confirmation ${orderId} sent to ${rng.pick(USERS)}@example.com ✉️`,
      extra: { orderId },
    };
  }
  if (r < 0.9) {
    return {
      logger: "shop.views",
      level: "info",
      message: rng.pick([
        `🚀 feature flag new-checkout enabled for ${rng.int(1, 100)}% of users`,
        `nightly export finished: ${rng.int(1000, 90_000)} orders written to s3://shop-exports/${rng.hex(8)}.csv.gz`,
        `price list refreshed: ${rng.int(10, 900)} products changed`,
      ]),
      extra: {},
    };
  }
  return rng.chance(0.5)
    ? {
        logger: "shop.views",
        level: "warn",
        message: `low stock for product ${productId} "${product}": ${rng.int(0, 5)} left`,
        extra: { productId },
      }
    : {
        logger: "shop.views",
        level: "warn",
        message: `checkout for user ${userId} took ${rng.int(1001, 6000)} ms (budget 1000 ms) ⚠️`,
        extra: { userId },
      };
}

function paymentEvent(rng: Rng): Event {
  const orderId = rng.int(10_000, 999_999);
  const amount = (rng.int(299, 49_999) / 100).toFixed(2);
  const r = rng.float();
  if (r < 0.5) {
    return {
      logger: "shop.payments",
      level: "info",
      message: `payment captured for order ${orderId}: €${amount} via card ending ${rng.int(1000, 9999)}`,
      extra: { orderId, provider: "stripe" },
    };
  }
  if (r < 0.9) {
    const attempt = rng.int(1, 2);
    return {
      logger: "shop.payments",
      level: "warn",
      message: `payment attempt ${attempt} of 3 for order ${orderId} failed: gateway timeout after 5000 ms; retrying in ${200 * 2 ** attempt} ms`,
      extra: { orderId, attempt, provider: "stripe" },
    };
  }
  const declined = rng.chance(0.6);
  const failure: Failure = declined
    ? {
        python: {
          frames: [
            [
              "/srv/shop/shop/payments/gateway.py",
              "capture",
              "intent = stripe.PaymentIntent.confirm(intent_id)",
            ],
            [
              "/srv/shop/venv/lib/python3.11/site-packages/stripe/_api_requestor.py",
              "_interpret_response",
              "raise self.handle_error_response(",
            ],
          ],
          exc: `stripe._error.CardError: Request req_${rng.hex(14)}: Your card has insufficient funds.`,
        },
        node: {
          frames: [
            ["PaymentGateway.capture", "/app/dist/payments/gateway.js"],
            ["StripeError.generate", "/app/node_modules/stripe/cjs/Error.js"],
          ],
          exc: "StripeCardError: Your card has insufficient funds.",
        },
      }
    : {
        python: {
          frames: [
            [
              "/srv/shop/shop/payments/gateway.py",
              "capture",
              "resp = self.session.post(url, data=payload, timeout=5)",
            ],
            [
              "/srv/shop/venv/lib/python3.11/site-packages/requests/adapters.py",
              "send",
              "raise ReadTimeout(e, request=request)",
            ],
          ],
          exc: "requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='api.stripe.com', port=443): Read timed out. (read timeout=5)",
        },
        node: {
          frames: [
            ["PaymentGateway.capture", "/app/dist/payments/gateway.js"],
            ["ClientRequest.<anonymous>", "/app/node_modules/node-fetch/lib/index.js"],
          ],
          exc: "FetchError: network timeout at: https://api.stripe.com/v1/payment_intents",
        },
      };
  return {
    logger: "shop.payments",
    level: "error",
    message: `payment for order ${orderId} failed after 3 attempts: ${declined ? "card_declined (insufficient_funds)" : "gateway timeout"}`,
    failure,
    extra: { orderId, attempt: 3, provider: "stripe" },
  };
}

function authEvent(rng: Rng): Event {
  const user = rng.pick(USERS);
  const ip = clientIp(rng);
  const r = rng.float();
  if (r < 0.5)
    return {
      logger: "auth.login",
      level: "info",
      message: `login ok for user ${user} from ${ip}`,
      extra: { user, ip },
    };
  if (r < 0.75) {
    return {
      logger: "auth.login",
      level: "warn",
      message: `login failed for user "${user}" from ${ip}: invalid password`,
      extra: { user, ip },
    };
  }
  if (r < 0.9) {
    return {
      logger: "auth.login",
      level: "warn",
      message: `rejected token from ${ip}: jwt expired ${rng.int(1, 3600)} s ago`,
      extra: { ip },
    };
  }
  return {
    logger: "auth.login",
    level: "error",
    message: `account "${user}" locked after 5 failed logins from ${ip}`,
    extra: { user, ip },
  };
}

function crashEvent(rng: Rng): Event {
  const orderId = rng.int(10_000, 999_999);
  const fatal = rng.chance(0.15);
  const [logger, message, failure] = rng.pick<readonly [LoggerName, string, Failure]>([
    [
      "shop.views",
      `Internal Server Error: /api/orders/${orderId}/checkout`,
      {
        python: {
          frames: [
            ["/srv/shop/shop/views/orders.py", "checkout", "order = services.checkout(request.user, cart)"],
            ["/srv/shop/shop/services/checkout.py", "checkout", "address = payload['shipping_address']"],
          ],
          exc: "KeyError: 'shipping_address'",
        },
        node: {
          frames: [
            ["CheckoutController.submit", "/app/dist/controllers/checkout.js"],
            ["OrderService.checkout", "/app/dist/services/order-service.js"],
          ],
          exc: "TypeError: Cannot read properties of undefined (reading 'shippingAddress')",
        },
      },
    ],
    [
      "shop.views",
      `unhandled error rendering order ${orderId}`,
      {
        python: {
          frames: [
            ["/srv/shop/shop/views/orders.py", "invoice_pdf", "pdf = render_invoice(order)"],
            ["/srv/shop/shop/invoices.py", "render_invoice", "out.write(customer.name.encode('ascii'))"],
          ],
          exc: "UnicodeEncodeError: 'ascii' codec can't encode character '\\xe9' in position 3: ordinal not in range(128)",
        },
        node: {
          frames: [
            ["InvoiceView.render", "/app/dist/views/invoice.js"],
            ["Date.toISOString", "<anonymous>"],
          ],
          exc: "RangeError: Invalid time value",
        },
      },
    ],
    [
      "shop.payments",
      `webhook handler crashed for order ${orderId}`,
      {
        python: {
          frames: [
            ["/srv/shop/shop/payments/webhooks.py", "handle_event", "amount = int(event['data']['amount'])"],
          ],
          exc: "ValueError: invalid literal for int() with base 10: 'N/A'",
        },
        node: {
          frames: [
            ["WebhookController.receive", "/app/dist/controllers/webhooks.js"],
            ["JSON.parse", "<anonymous>"],
          ],
          exc: "SyntaxError: Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON",
        },
      },
    ],
  ]);
  return { logger, level: fatal ? "fatal" : "error", message, failure, extra: { orderId } };
}

const EVENT_KINDS = [
  [httpEvent, 40],
  [cacheEvent, 14],
  [appEvent, 18],
  [dbEvent, 7],
  [authEvent, 8],
  [paymentEvent, 7],
  [crashEvent, 3],
] as const;

/** Python: `[file, function, source line]`; outer frames a request passes through before the app's own. */
const PYTHON_OUTER: readonly PyFrame[] = [
  [
    "/srv/shop/venv/lib/python3.11/site-packages/django/core/handlers/base.py",
    "_get_response",
    "response = wrapped_callback(request, *callback_args, **callback_kwargs)",
  ],
];

function pythonTraceback(rng: Rng, f: Failure["python"]): string {
  const frames = rng.chance(0.6) ? [...PYTHON_OUTER, ...f.frames] : f.frames;
  const lines = ["Traceback (most recent call last):"];
  for (const [file, fn, code] of frames)
    lines.push(`  File "${file}", line ${rng.int(20, 900)}, in ${fn}`, `    ${code}`);
  lines.push(f.exc);
  return lines.join("\n");
}

const NODE_OUTER: readonly NodeFrame[] = [
  ["Layer.handle [as handle_request]", "/app/node_modules/express/lib/router/layer.js"],
  ["process.processTicksAndRejections", "node:internal/process/task_queues"],
];

/** Node prints the innermost frame first; `<anonymous>` frames have no position. */
function nodeStack(rng: Rng, f: Failure["node"]): string {
  const frames = [...f.frames].reverse().concat(NODE_OUTER.slice(0, rng.int(0, NODE_OUTER.length)));
  const at = frames.map(([fn, file]) =>
    file === "<anonymous>"
      ? `    at ${fn} (<anonymous>)`
      : `    at ${fn} (${file}:${rng.int(5, 400)}:${rng.int(5, 40)})`,
  );
  return [f.exc, ...at].join("\n");
}

/** A Node gateway passing on what a Java service answered: the body is that service's stack trace. */
function javaUpstream(rng: Rng): string {
  return [
    `upstream inventory-service responded 500 for GET /stock/${rng.int(1, 99_999)}:`,
    "java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.",
    `\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:${rng.int(600, 700)})`,
    "\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:181)",
    `\tat com.example.inventory.StockRepository.reserve(StockRepository.java:${rng.int(20, 120)})`,
    "\tat com.example.inventory.StockController.get(StockController.java:44)",
    `\t... ${rng.int(20, 90)} more`,
  ].join("\n");
}

const LOGCOLLECT_LEVELS: Record<Level, string> = {
  debug: "DEBUG",
  info: "INFO",
  warn: "WARNING",
  error: "ERROR",
  fatal: "CRITICAL",
};
const PINO_LEVELS: Record<Level, number> = { debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function application(host: string): string {
  return `shop-${host.slice(0, host.indexOf("-"))}`;
}

/** Wall-clock UTC with microseconds and a trailing `Z`, as logcollect writes it. */
function logcollectTimestamp(us: number): string {
  const ms = Math.floor(us / 1000);
  return `${new Date(ms).toISOString().slice(0, 23)}${String(us % 1000).padStart(3, "0")}Z`;
}

type Rendered = { body: Record<string, unknown>; levelWord: string; text: string };

type HostState = { name: string; pid: number; skewUs: number; seq: number };

function renderLogcollect(rng: Rng, e: Event, host: HostState, us: number): Rendered {
  const isError = e.level === "error" || e.level === "fatal";
  const body: Record<string, unknown> = {
    "@timestamp": logcollectTimestamp(us),
    "@version": "1",
    message: e.message,
    host: host.name,
    tags: ["shop", "prod"],
    type: "logcollect",
    seq: ++host.seq,
    levelname: LOGCOLLECT_LEVELS[e.level],
    logger: e.logger,
    project: "shop",
    application: application(host.name),
  };
  for (const [k, v] of Object.entries(e.extra)) body[snakeCase(k)] = v;
  if (e.http) {
    body.method = e.http.method;
    body.path = e.http.path;
    body.status = e.http.status;
    body.duration_ms = e.http.durationMs;
  }
  let text = e.message;
  if (isError) {
    if (e.failure) {
      body.exc_info = pythonTraceback(rng, e.failure.python);
      text += `\n${body.exc_info as string}`;
    }
    body.lineno = rng.int(20, 900);
    body.process = host.pid;
    body.threadName = rng.pick([
      "MainThread",
      "uWSGIWorker1Core0",
      "uWSGIWorker2Core0",
      "ThreadPoolExecutor-0_1",
    ]);
  }
  return { body, levelWord: LOGCOLLECT_LEVELS[e.level].toLowerCase(), text };
}

function renderWinston(rng: Rng, e: Event, host: HostState, us: number): Rendered {
  let level: string = e.level === "fatal" ? "error" : e.level;
  if (e.http && level === "info") level = "http";
  if (level === "debug" && rng.chance(0.3)) level = "verbose";
  let message = e.message;
  const body: Record<string, unknown> = {
    level,
    message,
    timestamp: new Date(Math.floor(us / 1000)).toISOString(),
  };
  body.service = application(host.name);
  // A child logger per module, as `logger.child({ logger: "shop.views" })` would add.
  body.logger = e.logger;
  body.hostname = host.name;
  body.requestId = e.extra.requestId ?? `req-${rng.hex(12)}`;
  if (rng.chance(0.6)) body.userId = e.extra.userId ?? rng.int(1, 50_000);
  for (const [k, v] of Object.entries(e.extra)) body[k] ??= v;
  if (e.http) {
    body.method = e.http.method;
    body.url = e.http.path;
    body.status = e.http.status;
    body.durationMs = e.http.durationMs;
  }
  if (e.failure) {
    const useJava = e.logger === "shop.views" && rng.chance(0.3);
    const stack = useJava ? javaUpstream(rng) : nodeStack(rng, e.failure.node);
    // Half the apps log `err.stack` as the message; the others use format.errors({ stack: true }).
    if (useJava || rng.chance(0.5)) message = `${e.message}: ${stack}`;
    else body.stack = stack;
    body.message = message;
    return { body, levelWord: level, text: body.stack ? `${message}\n${stack}` : message };
  }
  return { body, levelWord: level, text: message };
}

function renderPino(rng: Rng, e: Event, host: HostState, us: number): Rendered {
  const level = PINO_LEVELS[e.level];
  const body: Record<string, unknown> = {
    level,
    time: Math.floor(us / 1000),
    pid: host.pid,
    hostname: host.name,
    name: e.logger,
    reqId: e.extra.requestId ?? `req-${rng.hex(12)}`,
  };
  for (const [k, v] of Object.entries(e.extra)) if (k !== "requestId") body[k] = v;
  if (e.http) {
    body.req = { method: e.http.method, url: e.http.path };
    body.res = { statusCode: e.http.status };
    body.responseTime = e.http.durationMs;
  }
  let text = e.message;
  if (e.failure) {
    const stack = nodeStack(rng, e.failure.node);
    const { exc } = e.failure.node;
    const colon = exc.indexOf(":");
    body.err = { type: exc.slice(0, colon), message: exc.slice(colon + 2), stack };
    text += `\n${stack}`;
  }
  body.msg = e.message;
  return { body, levelWord: normalizeLevel(level).level, text };
}

const FORMATS = [
  ["logcollect", 40],
  ["winston", 40],
  ["pino", 20],
] as const;

const RENDERERS: Record<RecordFormat, (rng: Rng, e: Event, host: HostState, us: number) => Rendered> = {
  logcollect: renderLogcollect,
  winston: renderWinston,
  pino: renderPino,
};

/** An endless, deterministic sequence of records; iterate it or call `next()`. */
export function* createRecordGenerator(
  opts: RecordGeneratorOptions,
): Generator<GeneratedRecord, never, undefined> {
  const { seed, ratePerSec } = opts;
  if (!(ratePerSec > 0)) throw new Error(`ratePerSec must be positive, got ${ratePerSec}`);
  const index = opts.index ?? "demo";
  const prefix = opts.prefix ?? "logstash";
  const rng = new Rng(seed);
  const hosts: HostState[] = DEMO_HOSTS.map((name) => ({
    name,
    pid: rng.int(1000, 65_000),
    skewUs: rng.int(-1500, 1500),
    seq: 0,
  }));
  const meanStepUs = 1e6 / ratePerSec;
  let clockUs = Math.round(opts.startMs * 1000);

  for (let n = 0; ; n++) {
    if (n > 0) clockUs += Math.max(1, Math.round(meanStepUs * (0.25 + 1.5 * rng.float())));
    const host = rng.pick(hosts);
    const us = clockUs + host.skewUs;
    const format = rng.weighted(FORMATS);
    const event = rng.weighted(EVENT_KINDS)(rng);
    const { body, levelWord, text } = RENDERERS[format](rng, event, host, us);
    const ts = Math.floor(us / 1000);
    yield {
      routingKey: `${prefix}.${index}.${event.logger}`,
      body,
      messageId: `${seed}-${n}`,
      line: `${new Date(ts).toISOString()} ${host.name} ${event.logger}[${levelWord}]: ${text}`,
      format,
      ts,
    };
  }
}
