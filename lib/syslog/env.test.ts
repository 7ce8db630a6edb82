import { describe, expect, it } from "vitest";
import { parseSyslogEnv } from "./env";

const production = {
  NODE_ENV: "production",
  DATABASE_URL: "postgres://db/alco",
  AMQP_URL: "amqp://rabbit",
};

describe("parseSyslogEnv", () => {
  it("listens on 5514 of the loopback address outside production, into syslog", () => {
    const env = parseSyslogEnv({});
    expect(env).toMatchObject({ SYSLOG_PORT: 5514, SYSLOG_HOST: "127.0.0.1", SYSLOG_INDEX: "syslog" });
    expect(env.SYSLOG_APP_INDEXES.size).toBe(0);
  });

  it("is off in production until given a port", () => {
    expect(parseSyslogEnv(production).SYSLOG_PORT).toBeUndefined();
    expect(parseSyslogEnv({ ...production, SYSLOG_PORT: "514" }).SYSLOG_PORT).toBe(514);
  });

  it("reads app=index pairs, and refuses what is not one", () => {
    const env = parseSyslogEnv({ SYSLOG_APP_INDEXES: "nginx=web, sshd=auth," });
    expect([...env.SYSLOG_APP_INDEXES]).toEqual([
      ["nginx", "web"],
      ["sshd", "auth"],
    ]);
    expect(() => parseSyslogEnv({ SYSLOG_APP_INDEXES: "nginx" })).toThrow(
      /expected app=index pairs, got "nginx"/,
    );
    expect(() => parseSyslogEnv({ SYSLOG_APP_INDEXES: "a=Not-An-Index" })).toThrow(/app=index/);
  });

  it("wants both TLS files or neither, a real time zone, and something to listen on", () => {
    expect(() => parseSyslogEnv({ SYSLOG_TLS_CERT: "/etc/cert.pem" })).toThrow(
      /SYSLOG_TLS_CERT and SYSLOG_TLS_KEY/,
    );
    expect(() => parseSyslogEnv({ SYSLOG_TIMEZONE: "Mars/Olympus" })).toThrow(/not a time zone/);
    expect(() => parseSyslogEnv({ SYSLOG_TCP: "false", SYSLOG_UDP: "false" })).toThrow(
      /nothing to listen on/,
    );
  });
});
