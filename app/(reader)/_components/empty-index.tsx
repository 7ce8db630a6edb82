"use client";

import { useState, useSyncExternalStore } from "react";
import { INGEST_TOKEN_VAR, firstLineCommands } from "@/lib/reader/first-line-commands";

const noSubscription = () => () => undefined;

/**
 * An index without a single line: how to send it its first one, as commands to paste. Shown while the reader
 * checks for that line (useFirstLine), which then takes its place.
 */
export function EmptyIndex({
  index,
  routingKeys,
  exchange,
}: {
  index: string;
  routingKeys: string[];
  exchange: string;
}) {
  // The address the browser reached alco at, which is what a command run beside it can reach too.
  const origin = useSyncExternalStore(
    noSubscription,
    () => window.location.origin,
    () => "",
  );
  const c = firstLineCommands({ origin, index, routingKeys, exchange });
  return (
    <div className="notice first-line" data-testid="empty-index">
      <p>
        <strong>{index} has no lines yet.</strong> Send its first one in one of these ways; it shows here as
        soon as it arrives.
      </p>
      <h3>Over HTTP, one JSON object a line</h3>
      <p>
        With an ingest token (admins create them on /admin) in <code>${INGEST_TOKEN_VAR}</code>:
      </p>
      <Snippet name="curl" text={c.curl} />
      <h3>From a Node.js app, with winston</h3>
      {c.winston ? (
        <>
          <p>
            With <code>@alco/winston-transport</code> installed (README, &ldquo;Sending logs&rdquo;):
          </p>
          <Snippet name="winston" text={c.winston} />
        </>
      ) : (
        <NoKey routingKeys={routingKeys} sends="<prefix>.<logger>" />
      )}
      <h3>From log files, with the tailing agent</h3>
      {c.agent ? (
        <>
          <p>
            On the host, with the <code>alco</code> command (<code>@alco/cli</code>):
          </p>
          <Snippet name="agent" text={c.agent} />
        </>
      ) : (
        <NoKey routingKeys={routingKeys} sends="<prefix>.<index>.<logger>" />
      )}
    </div>
  );
}

function NoKey({ routingKeys, sends }: { routingKeys: string[]; sends: string }) {
  return (
    <p>
      This index&apos;s routing keys (<code>{routingKeys.join(", ")}</code>) take no key of the form{" "}
      <code>{sends}</code>: an admin can add one on /admin.
    </p>
  );
}

function Snippet({ name, text }: { name: string; text: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="snippet">
      <pre data-testid={`first-line-${name}`}>{text}</pre>
      <button
        aria-label={`copy the ${name} command`}
        onClick={() =>
          void (navigator.clipboard?.writeText(text) ?? Promise.reject(new Error("no clipboard"))).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
      >
        {copied ? "Copied" : "Copy"}
      </button>
    </div>
  );
}
