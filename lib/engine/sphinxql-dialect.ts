/**
 * The only module that knows SphinxQL. Everything that reaches searchd as a string is built here, so the quirks
 * of Sphinx 2.2.11 (what we run in tests) and Manticore (what production runs) live in one place.
 *
 * Differences handled here, by flavor (docs/OPERATIONS.md "Running on Manticore" has the whole table):
 * - Sphinx 2.2 has no REGEX(), no HIGHLIGHT(), no `OR` between attribute filters in WHERE and no IN() on JSON
 *   subfields in WHERE. Both are expressed as select-list expressions that WHERE then filters on, which works in
 *   both engines.
 * - Manticore would allow CREATE TABLE; we stay in plain mode (tables declared in the config file), valid in both.
 * - Config directives, error wording, version reporting, SHOW TABLES' column and what SHOW INDEX STATUS counts
 *   differ; each has its function below, and nothing outside lib/engine/ looks at the engine's words.
 */
import { escape, format } from "mysql2";
import { FIELD_NAME_PATTERN } from "@/lib/records/field-names";
import { LEVELS } from "@/lib/records/levels";
import { fieldWords, piecedTerm, tokenize } from "./engine-words";
import { isValidIndexName } from "./index-names";

export { HEALTH_TABLE, INDEX_NAME_PATTERN, isValidIndexName } from "./index-names";

export type EngineFlavor = "sphinx2" | "manticore";

/**
 * The flavor a version string names: Manticore's say so in their banner ("Manticore 6.3.6 …") but not in
 * SHOW STATUS or the MySQL handshake, which give the bare number ("6.3.6 df9323dc9@24080223 …"); Sphinx 2.2 gives
 * "2.2.11-id64-release (95ae9a6)". Manticore's numbering started at 2.5 over Sphinx 2.x, and every release since
 * 3.0 is Manticore's (Sphinx 3, a closed build, is not supported).
 */
export function detectFlavor(version: string): EngineFlavor {
  if (/manticore/i.test(version)) return "manticore";
  const major = /^\s*(\d+)\./.exec(version);
  return major && Number(major[1]) >= 3 ? "manticore" : "sphinx2";
}

/**
 * Asks the running engine its version. Manticore answers it in SHOW STATUS (`Counter: version`); Sphinx 2.2
 * answers neither this nor `SHOW VARIABLES LIKE 'version'` (no rows, measured on 2.2.11), and Manticore has no
 * `version` variable either, so the variable told the two apart in neither.
 */
export const VERSION_SQL = "SHOW STATUS LIKE 'version'";

/**
 * The flavor of a running engine, from its answer to VERSION_SQL or else the server version its MySQL handshake
 * announced (2.2.11 sends "2.2.11-id64-release (95ae9a6)"). SHOW STATUS decides first: Manticore's
 * `mysql_version_string` setting can make the handshake claim any version (e.g. "5.7.0" for MySQL tools).
 */
export function flavorFromServer(answer: {
  statusRows: Record<string, unknown>[];
  handshakeVersion?: string | null;
}): EngineFlavor {
  const row = answer.statusRows.find((r) => (r.Counter ?? r.Variable_name) === "version");
  if (row && typeof row.Value === "string" && row.Value !== "") return detectFlavor(row.Value);
  return detectFlavor(answer.handshakeVersion ?? "");
}

/** Arguments that make searchd print its banner and exit, whichever engine the binary is. */
export const BANNER_ARGS = ["--help"] as const;

/**
 * The flavor of a searchd binary, from what BANNER_ARGS printed: its first line is "Manticore 6.3.6 …" or
 * "Sphinx 2.2.11-id64-release (95ae9a6)". Needed before the engine runs, because its config differs.
 */
export function flavorFromBanner(output: string): EngineFlavor {
  if (/^Manticore\s/m.test(output)) return "manticore";
  if (/^Sphinx\s/m.test(output)) return "sphinx2";
  throw new Error(`not a searchd banner: ${JSON.stringify(output.slice(0, 200))}`);
}

export function assertIndexName(name: string): string {
  if (!isValidIndexName(name)) throw new Error(`invalid index name: ${JSON.stringify(name)}`);
  return name;
}

/** `<index>_<yyyymmdd>` for the UTC day containing `dayStartMs`. */
export function dailyTableName(index: string, dayStartMs: number): string {
  const d = new Date(dayStartMs);
  const ymd = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, "0")}${String(d.getUTCDate()).padStart(2, "0")}`;
  return `${assertIndexName(index)}_${ymd}`;
}

/** Inverse of dailyTableName: the UTC day start, or null for a name that is not one of ours. */
export function parseDailyTableName(table: string): { index: string; dayStartMs: number } | null {
  const m = /^([a-z][a-z0-9_]*)_(\d{4})(\d{2})(\d{2})$/.exec(table);
  if (!m) return null;
  return { index: m[1]!, dayStartMs: Date.UTC(Number(m[2]), Number(m[3]) - 1, Number(m[4])) };
}

/**
 * Token every document carries in its `fields` field, so that a query made only of exclusions
 * (`-healthcheck`) has something to subtract from: Sphinx refuses a lone NOT as non-computable.
 */
export const ALL_DOCS_TOKEN = "alcoalldocs";

/** Columns of every daily table. The message is stored twice: 2.2 cannot read back full-text fields. */
export const TABLE_SCHEMA = [
  "rt_field = message",
  "rt_field = fields",
  "rt_attr_string = msg",
  "rt_attr_bigint = ts",
  "rt_attr_uint = lvl",
  "rt_attr_string = level",
  "rt_attr_string = logger",
  "rt_attr_string = host",
  "rt_attr_json = js",
  // Last, where ALTER TABLE ADD COLUMN puts it in a table written before it existed (ORDER_COLUMN_UPGRADE).
  "rt_attr_bigint = seq",
] as const;

/** Tokenizer settings measured in DESIGN.md: Latin-1 + Cyrillic words, CJK as ngrams, hosts/IPs/k=v blended. */
export const TEXT_SETTINGS = [
  "dict = keywords",
  "min_infix_len = 3",
  "charset_table = 0..9, A..Z->a..z, _, a..z, U+C0..U+D6->U+E0..U+F6, U+D8..U+DE->U+F8..U+FE, U+DF, " +
    "U+E0..U+F6, U+F8..U+FF, U+410..U+42F->U+430..U+44F, U+430..U+44F, U+401->U+451, U+451",
  "ngram_len = 1",
  "ngram_chars = U+3000..U+2FA1F",
  "blend_chars = -, ., @, =, :, /",
  "blend_mode = trim_none, skip_pure",
] as const;

/**
 * What each daily table and the health table declare beyond their schema, by flavor. Since Manticore 5 a table
 * from a config file stores the original text of every full-text field ("By default, the original content of
 * full-text fields is indexed and stored when a table is defined in a configuration file", manual
 * Creating_a_table/Local_tables/Plain_and_real-time_table_settings.md, 6.3.6), which would keep the message a
 * third time beside `msg`; an empty `stored_fields` stores none ("An empty value (i.e. `stored_fields =` )
 * disables the storage of original values for all fields", ibid.). Sphinx 2.2 refuses the key, and every
 * search reads `msg`, so both engines answer the same columns.
 */
export function tableDirectives(flavor: EngineFlavor): string[] {
  return flavor === "manticore" ? ["stored_fields ="] : [];
}

/**
 * The searchd section's fixed settings (listen address and paths aside), by flavor. In Manticore 6.3.6's
 * config parser (src/sphinxutils.cpp, g_dKeysSearchd) `workers` and `dist_threads` are deprecated ("use
 * 'default value'", "use 'max_threads_per_query'") and `read_timeout` is deprecated for `network_timeout`, each a
 * warning on every parse, SIGHUP reloads included; Manticore runs a distributed table's locals in parallel by
 * default. `accurate_aggregation` (read from the searchd section in src/searchd.cpp, 6.3.6) makes GROUP BY
 * counts exact where Manticore would otherwise keep only `max_matches` groups per RT chunk and merge them
 * ("the group counts and aggregates may be inaccurate", manual Searching/Options.md); 2.2 searches an RT table's
 * chunks into one sorter, and does not know the key.
 */
export function searchdDirectives(flavor: EngineFlavor): string[] {
  // Bounded by the collector's statement size; searchd refuses to start outside 128K..128M.
  const packet = "max_packet_size = 64M";
  return flavor === "manticore"
    ? [
        packet,
        "seamless_rotate = 1",
        "network_timeout = 30",
        "client_timeout = 300",
        "accurate_aggregation = 1",
      ]
    : [
        "workers = threads",
        "dist_threads = 2",
        packet,
        "seamless_rotate = 1",
        "read_timeout = 30",
        "client_timeout = 300",
      ];
}

/** Attribute columns that hold a record's well-known fields; everything else is in `js`. */
export const ATTRIBUTE_FIELDS = ["level", "logger", "host"] as const;
export type AttributeField = (typeof ATTRIBUTE_FIELDS)[number];

export function isAttributeField(name: string): name is AttributeField {
  return (ATTRIBUTE_FIELDS as readonly string[]).includes(name);
}

// ---------------------------------------------------------------------------------------------------------------
// Values

/** A SQL string literal with the escaping searchd's MySQL protocol expects. */
export function sqlString(s: string): string {
  // Most log text has nothing to escape; skipping the escaper for it is measurable at 20k rows/s.
  return NEEDS_ESCAPE.test(s) ? escape(s) : `'${s}'`;
}

const NEEDS_ESCAPE = /[\u0000\b\t\n\r\u001a"'\\]/;

// ---------------------------------------------------------------------------------------------------------------
// Full-text (MATCH) syntax

// Characters that are operators inside MATCH(): unescaped, some are syntax errors and some silently change the
// query (DESIGN.md). `*` is handled by the caller: it is only ever meaningful as a wildcard we placed.
const MATCH_SPECIAL = /[\\()|\-!@~"&/^$=<*>?:[\]{}'.,;#%+]/g;

/** A single word for MATCH(), every operator character escaped. */
export function escapeMatchWord(word: string): string {
  return word.replace(MATCH_SPECIAL, (c) => `\\${c}`);
}

/** Splits user text into the words the tokenizer will see: blend characters and punctuation separate them. */
export function tokenizeWords(text: string): string[] {
  return text
    .split(/[^\p{L}\p{N}_]+/u)
    .map((w) => w.trim())
    .filter((w) => w.length > 0);
}

/** A full-text term; `inMessage`: looked for in the message only (`message:`), not in the fields' words. */
export type MatchTerm = {
  kind: "word" | "phrase" | "prefix" | "infix";
  text: string;
  negate: boolean;
  inMessage?: boolean;
};

/**
 * Compiles one term to MATCH() syntax, or null when nothing in it can match (only punctuation).
 * A word with blend characters (`web-09`, `status=500`) becomes a phrase of its parts: the index holds the whole
 * blended token and each part, but not partial blends, so the phrase is what finds `web-09` in `web-09.prod.local`.
 */
export function compileMatchTerm(term: MatchTerm): string | null {
  const words = tokenizeWords(term.text);
  if (words.length === 0) return null;
  // Lowercased: MAYBE, SENTENCE, PARAGRAPH, NEAR, NOTNEAR, ZONE are operators when uppercase, and the index
  // folds case anyway (charset_table), so this changes nothing else.
  const escaped = words.map((w) => escapeMatchWord(w.toLowerCase()));
  let body: string;
  switch (term.kind) {
    case "word":
      body = escaped.length === 1 ? escaped[0]! : `"${escaped.join(" ")}"`;
      break;
    case "phrase":
      body = `"${escaped.join(" ")}"`;
      break;
    case "prefix":
      escaped[escaped.length - 1] += "*";
      body = escaped.length === 1 ? escaped[0]! : `"${escaped.join(" ")}"`;
      break;
    case "infix":
      escaped[0] = `*${escaped[0]}`;
      escaped[escaped.length - 1] += "*";
      body = escaped.length === 1 ? escaped[0] : `"${escaped.join(" ")}"`;
      break;
  }
  if (term.inMessage) body = `(@message ${body})`;
  else {
    const pieced = piecedAlternative(term);
    if (pieced !== null) body = `(${body} | ${pieced})`;
  }
  return term.negate ? `-${body}` : body;
}

/**
 * The term as the `fields` text holds it where a word of it is written in pieces (engine-words.ts), or null when
 * the term reads there as it does in the message. A prefix may be the start of a pieced word whatever it holds.
 */
function piecedAlternative(term: MatchTerm): string | null {
  if (term.kind === "infix") return null;
  const readings = piecedTerm(
    tokenize(term.text).map((t) => t.text),
    term.kind === "prefix",
  );
  if (readings === null) return null;
  return readings
    .map((words) => {
      const parts = words.map(escapeMatchWord);
      if (term.kind === "prefix") parts[parts.length - 1] += "*";
      return `(@fields ${parts.length === 1 ? parts[0]! : `"${parts.join(" ")}"`})`;
    })
    .join(" | ");
}

/**
 * A record's `fields` full-text field: ALL_DOCS_TOKEN, `key=value` of the columns flagged `indexed`, and the words
 * of every string value (engine-words.ts), so that free text finds what is in any field as grep finds it in a line.
 */
export function fieldsTextOf(fields: Record<string, unknown>, indexed: readonly string[] = []): string {
  let text = ALL_DOCS_TOKEN;
  for (const k of indexed) {
    const v = Object.hasOwn(fields, k) ? fields[k] : undefined;
    if (typeof v === "string" || typeof v === "number") text += ` ${k}=${v}`;
  }
  const words = fieldWords(fields);
  return words.length === 0 ? text : `${text} ${words.join(" ")}`;
}

/**
 * A full-text condition with structure (OR, NOT over groups): the query's terms below a top-level AND. Terms in
 * it carry `negate: false`; exclusion is a `not` node.
 */
export type TextQuery =
  | { kind: "term"; term: MatchTerm }
  | { kind: "and" | "or"; children: TextQuery[] }
  | { kind: "not"; child: TextQuery };

// What a group may start with to stand alone: the engine refuses a NOT with nothing to subtract from ("query is
// non-computable (single NOT operator)"), and `a | -b` is a syntax error (measured on 2.2.11).
const ALL_DOCS = `(@fields ${ALL_DOCS_TOKEN})`;

type CompiledText = { sql: string; negative: boolean };

function standalone(c: CompiledText): string {
  return c.negative ? `(${ALL_DOCS} ${c.sql})` : c.sql;
}

/** One tree in MATCH() syntax, or null when nothing in it can match (its terms are only punctuation). */
function compileText(node: TextQuery): CompiledText | null {
  switch (node.kind) {
    case "term": {
      const sql = compileMatchTerm({ ...node.term, negate: false });
      return sql === null ? null : { sql, negative: false };
    }
    case "not": {
      const child = compileText(node.child);
      if (child === null) return null;
      // A negative part is `-x`: its negation is x. Otherwise the part is one term or a parenthesised group.
      if (child.negative) return { sql: child.sql.slice(1), negative: false };
      return { sql: `-${child.sql}`, negative: true };
    }
    case "and": {
      const parts = node.children.map(compileText).filter((c): c is CompiledText => c !== null);
      if (parts.length === 0) return null;
      if (parts.length === 1) return parts[0]!;
      const positive = parts.some((c) => !c.negative);
      // Parenthesised so a field limit inside stays inside.
      return {
        sql: `(${positive ? "" : `${ALL_DOCS} `}${parts.map((c) => c.sql).join(" ")})`,
        negative: false,
      };
    }
    case "or": {
      const parts = node.children.map(compileText).filter((c): c is CompiledText => c !== null);
      if (parts.length === 0) return null;
      if (parts.length === 1) return parts[0]!;
      return { sql: `(${parts.map(standalone).join(" | ")})`, negative: false };
    }
  }
}

/**
 * The MATCH() expression for a list of terms and trees (implicit AND), or null when the query has no full-text
 * part. Only-negative queries are anchored on ALL_DOCS_TOKEN.
 */
export function compileMatch(terms: MatchTerm[], trees: TextQuery[] = []): string | null {
  const parts: string[] = [];
  let positive = 0;
  for (const t of terms) {
    const c = compileMatchTerm(t);
    if (c === null) continue;
    parts.push(c);
    if (!t.negate) positive++;
  }
  for (const tree of trees) {
    const c = compileText(tree);
    if (c === null) continue;
    parts.push(c.sql);
    if (!c.negative) positive++;
  }
  if (parts.length === 0) return null;
  // Parenthesised so the field limit does not extend to the exclusions that follow.
  if (positive === 0) parts.unshift(ALL_DOCS);
  return parts.join(" ");
}

/** The terms a tree can match on (not those under a NOT): what a snippet marks. */
export function positiveTerms(trees: TextQuery[]): MatchTerm[] {
  const out: MatchTerm[] = [];
  const walk = (n: TextQuery) => {
    if (n.kind === "term") out.push({ ...n.term, negate: false });
    else if (n.kind !== "not") n.children.forEach(walk);
  };
  trees.forEach(walk);
  return out;
}

/**
 * The words a snippet marks for these terms and trees: every positive term, any of them (the snippet marks each
 * occurrence of each). Only flat terms: the same AND they always were.
 */
export function compileHighlight(terms: MatchTerm[], trees: TextQuery[] = []): string | null {
  const flat = terms.filter((t) => !t.negate);
  if (trees.length === 0) return compileMatch(flat);
  const all = [...flat, ...positiveTerms(trees)]
    .map((t) => compileMatchTerm(t))
    .filter((c): c is string => c !== null);
  return all.length === 0 ? null : all.join(" | ");
}

// ---------------------------------------------------------------------------------------------------------------
// Attribute and JSON filters

export { FIELD_NAME_PATTERN };

export type FieldFilter = { field: string; values: string[]; negate: boolean };

/**
 * Membership of a JSON value in a list. A JSON value may be a string or a number: "500" should find both
 * {"status":500} and {"status":"500"}, and 2.2 refuses an IN() that mixes the two types, hence two IN()s.
 */
function jsonIn(field: string, values: string[]): string {
  const strings = values.map((v) => sqlString(v));
  const numbers = values.filter((v) => /^-?\d{1,15}(\.\d+)?$/.test(v));
  const parts = [`IN(js.${field}, ${strings.join(",")})`];
  if (numbers.length) parts.push(`IN(js.${field}, ${numbers.join(",")})`);
  return parts.length === 1 ? parts[0]! : `(${parts.join(" OR ")})`;
}

/**
 * A level filter, on the uint `lvl` where that says the same: the collector stores every level it knows under its
 * canonical name with that level's number (lib/records/levels.ts), and any other name with 0. A filter-only read
 * scans every row of a day, and a uint test costs the engine far less than a string one (BENCHMARKS.md).
 */
function levelConditions(values: string[], negate: boolean): string[] {
  // The engine compares strings without case (collation libc_ci), and stored names are lowercase.
  const isKnown = (v: string): v is keyof typeof LEVELS => Object.hasOwn(LEVELS, v);
  const known = values.map((v) => v.toLowerCase()).filter(isKnown);
  const numbers = known.map((v) => LEVELS[v]);
  const strings = `level ${negate ? "NOT IN" : "IN"} (${values.map((v) => sqlString(v)).join(",")})`;
  if (known.length === values.length) return [`lvl ${negate ? "NOT IN" : "IN"} (${numbers.join(",")})`];
  // Unknown names share lvl 0: the number narrows the scan first, the string test tells those names apart.
  return negate ? [strings] : [`lvl IN (${[0, ...numbers].join(",")})`, strings];
}

/**
 * A field condition with structure: what a query says about attributes and JSON values beyond `field:value`.
 * `in` is equality with any of the values (as FieldFilter); `cmp` a numeric comparison (on `level`, the level's
 * number: lib/records/levels.ts); `exists` a field that is present (JSON: not missing nor null; an attribute:
 * not empty).
 */
export type Condition =
  | { kind: "in"; field: string; values: string[] }
  | { kind: "cmp"; field: string; op: CompareOp; value: number }
  | { kind: "exists"; field: string }
  | { kind: "and" | "or"; children: Condition[] }
  | { kind: "not"; child: Condition };

export type CompareOp = ">" | ">=" | "<" | "<=";

const COMPARE_OPS: readonly string[] = [">", ">=", "<", "<="];

/** A number as the engine reads it in an expression: plain decimal, never an exponent. */
function sqlNumber(n: number): string {
  if (!Number.isFinite(n) || Math.abs(n) > 1e15) throw new Error(`number out of range: ${n}`);
  return String(Number(n.toFixed(6)));
}

function jsonPath(field: string): string {
  if (!FIELD_NAME_PATTERN.test(field)) throw new Error(`invalid field name: ${field}`);
  return `js.${field}`;
}

/**
 * One condition as a select-list expression, 1 where it holds; 2.2 evaluates AND, OR and NOT only there
 * (measured on 2.2.11: IN() on strings, JSON and `lvl`, comparisons, IS [NOT] NULL and `host = ''` all work in
 * an expression; `<>` on a string does not).
 * - A JSON comparison holds only where the value is a number. In an expression 2.2 reads anything else as a
 *   number (missing, text, lists and objects as 0, true as 1: `js.x > -5` holds without x), and in WHERE an
 *   integer bound reads a float as an integer (`js.ratio < 2` misses 1.5). LENGTH() is 1 for a number (0 for
 *   text, booleans, null and missing; a list's or object's size), and `[0]` tells a one-element list: what is
 *   left is an object of one key, which reads as 0 (measured on 2.2.11).
 * - A level comparison leaves out levels that have no place in the order (unknown names, stored with lvl 0).
 */
export function conditionExpr(c: Condition): string {
  switch (c.kind) {
    case "in": {
      if (c.values.length === 0) return "0";
      if (c.field === "level") {
        const isKnown = (v: string): v is keyof typeof LEVELS => Object.hasOwn(LEVELS, v);
        const known = c.values.map((v) => v.toLowerCase());
        if (known.every(isKnown)) return `IN(lvl, ${known.map((v) => LEVELS[v]).join(",")})`;
      }
      if (isAttributeField(c.field)) return `IN(${c.field}, ${c.values.map((v) => sqlString(v)).join(",")})`;
      jsonPath(c.field);
      return jsonIn(c.field, c.values);
    }
    case "cmp": {
      if (!COMPARE_OPS.includes(c.op)) throw new Error(`invalid comparison: ${c.op}`);
      if (c.field === "level") return `(lvl > 0 AND lvl ${c.op} ${sqlNumber(c.value)})`;
      if (isAttributeField(c.field)) throw new Error(`${c.field} holds text: no comparison`);
      const path = jsonPath(c.field);
      return `(LENGTH(${path}) = 1 AND ${path}[0] IS NULL AND ${path} ${c.op} ${sqlNumber(c.value)})`;
    }
    case "exists":
      return isAttributeField(c.field) ? `NOT (${c.field} = '')` : `${jsonPath(c.field)} IS NOT NULL`;
    case "not":
      return `NOT (${conditionExpr(c.child)})`;
    case "and":
    case "or":
      if (c.children.length === 0) return c.kind === "and" ? "1" : "0";
      return `(${c.children.map(conditionExpr).join(c.kind === "and" ? " AND " : " OR ")})`;
  }
}

/**
 * A top-level condition as WHERE conditions where the engine takes it there with the same meaning (a range on
 * `lvl`, a JSON value's presence), which lets it skip rows without computing an expression; null otherwise.
 */
function whereConditions(c: Condition): string[] | null {
  if (c.kind === "cmp" && c.field === "level" && COMPARE_OPS.includes(c.op))
    return ["lvl > 0", `lvl ${c.op} ${sqlNumber(c.value)}`];
  if (c.kind === "exists" && !isAttributeField(c.field)) return [`${jsonPath(c.field)} IS NOT NULL`];
  if (c.kind === "not" && c.child.kind === "exists" && !isAttributeField(c.child.field))
    return [`${jsonPath(c.child.field)} IS NULL`];
  if (c.kind === "and") {
    const parts = c.children.map(whereConditions);
    return parts.every((p) => p !== null) ? parts.flat() : null;
  }
  return null;
}

/**
 * Compiles field filters and conditions into WHERE conditions and select-list expressions (for what 2.2 cannot
 * put in WHERE). Values of one field are OR'd; fields and conditions are AND'd.
 */
export function compileFieldFilters(
  filters: FieldFilter[],
  conditions: Condition[] = [],
): { where: string[]; select: string[] } {
  const where: string[] = [];
  const select: string[] = [];
  conditions.forEach((c, i) => {
    const direct = whereConditions(c);
    if (direct) {
      where.push(...direct);
      return;
    }
    select.push(`${conditionExpr(c)} AS c${i}`);
    where.push(`c${i} = 1`);
  });
  filters.forEach((f, i) => {
    if (f.values.length === 0) return;
    if (f.field === "level") {
      where.push(...levelConditions(f.values, f.negate));
      return;
    }
    if (isAttributeField(f.field)) {
      const list = f.values.map((v) => sqlString(v)).join(",");
      where.push(`${f.field} ${f.negate ? "NOT IN" : "IN"} (${list})`);
      return;
    }
    if (!FIELD_NAME_PATTERN.test(f.field)) throw new Error(`invalid field name: ${f.field}`);
    const alias = `f${i}`;
    select.push(`${jsonIn(f.field, f.values)} AS ${alias}`);
    where.push(`${alias} = ${f.negate ? 0 : 1}`);
  });
  return { where, select };
}

/**
 * Conditions for records that lack these JSON keys: a missing key (or a JSON null) is `IS NULL`, which 2.2 and
 * Manticore evaluate in WHERE (measured on 2.2.11).
 */
function absentConditions(fields: string[] | undefined): string[] {
  return (fields ?? []).map((f) => {
    if (!FIELD_NAME_PATTERN.test(f)) throw new Error(`invalid field name: ${f}`);
    return `js.${f} IS NULL`;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// SELECT for the reader

/**
 * A position in the one order every read uses: (ts, seq, id). `seq` orders the lines of one source within a
 * millisecond (docs/OPERATIONS.md "Order of lines"); `id` only breaks the ties left between sources. Both are
 * decimal strings below 2^63: they do not fit a JavaScript number.
 */
export type Cursor = { ts: number; seq: string; id: string };
export type Direction = "older" | "newer";

/** The reader's order, newest first; oldest first is the same keys ascending. */
const ORDER_KEYS = ["ts", "seq", "id"] as const;

export function orderBySql(direction: "asc" | "desc"): string {
  const d = direction === "asc" ? "ASC" : "DESC";
  return ORDER_KEYS.map((k) => `${k} ${d}`).join(", ");
}

/** The part every read shares: full-text match, field filters and the time range. */
export type RecordsScope = {
  tables: string[];
  match: string | null;
  filters: FieldFilter[];
  /** Field conditions beyond `filters` (AND'd with them): comparisons, presence, OR and NOT. */
  conditions?: Condition[];
  /** Only records without these JSON keys (identifiers only). */
  absentFields?: string[];
  fromMs?: number;
  toMs?: number;
};

export type SelectRecords = RecordsScope & {
  /** Keyset: rows strictly older (or newer) than this position in (ts, seq, id) order. */
  cursor?: { at: Cursor; direction: Direction };
  /** Without a cursor, which way rows run: newest first ("older", the default) or oldest first ("newer"). */
  direction?: Direction;
  limit: number;
  /** Adds a `snip` column with the message, matches wrapped in MARK_START/MARK_END. */
  highlight: string | null;
};

export const MARK_START = "\u0001";
export const MARK_END = "\u0002";

const ID_PATTERN = /^\d{1,20}$/;

function assertTables(tables: string[]): string {
  if (tables.length === 0) throw new Error("no tables to query");
  for (const t of tables) if (!/^[a-z][a-z0-9_]*$/.test(t)) throw new Error(`invalid table: ${t}`);
  return tables.join(", ");
}

function timeAndKeyset(q: { fromMs?: number; toMs?: number; cursor?: SelectRecords["cursor"] }) {
  const where: string[] = [];
  const select: string[] = [];
  if (q.fromMs !== undefined) where.push(`ts >= ${Math.trunc(q.fromMs)}`);
  if (q.toMs !== undefined) where.push(`ts <= ${Math.trunc(q.toMs)}`);
  if (q.cursor) {
    const { ts, seq, id } = q.cursor.at;
    if (!ID_PATTERN.test(id) || !ID_PATTERN.test(seq) || !Number.isSafeInteger(ts))
      throw new Error("invalid cursor");
    // The plain range filter lets the engine skip blocks by min/max; the ties on equal ts need OR, which 2.2
    // only evaluates in the select list, for every row it walks, before any filter. So the comparison of
    // (ts, seq, id) is written to settle most rows on its first operator. Older: the rows below the cursor are
    // most of what it walks (every older day), and `ts < T` keeps them at once. Newer: it walks the cursor's day
    // from its start, and `ts >= T` drops the lines before the cursor at once. At 10M records the newer form
    // took 0.95x the time of the (ts, id) keyset before `seq`, and `ts > T OR seq > S OR ...` 1.12x.
    if (q.cursor.direction === "older") {
      where.push(`ts <= ${ts}`);
      select.push(`(ts < ${ts} OR (ts = ${ts} AND (seq < ${seq} OR (seq = ${seq} AND id < ${id})))) AS kc`);
    } else {
      where.push(`ts >= ${ts}`);
      select.push(`(ts >= ${ts} AND (ts > ${ts} OR seq > ${seq} OR (seq = ${seq} AND id > ${id}))) AS kc`);
    }
    where.push("kc = 1");
  }
  return { where, select };
}

export function selectRecordsSql(q: SelectRecords): string {
  const from = assertTables(q.tables);
  const select = ["id", "ts", "seq", "msg", "level", "logger", "host", "js"];
  const where: string[] = [];
  const params: string[] = [];
  if (q.highlight !== null) {
    // 2.2 reads the highlight words as a full-text query only with query_mode=1; Manticore always does, accepts
    // query_mode=1 as a no-op and refuses only 0 ("query_mode=0 is deprecated", src/searchdexpr.cpp, 6.3.6).
    select.push(
      `SNIPPET(msg, ${sqlString(q.highlight)}, 'limit=0', 'before_match=${MARK_START}', ` +
        `'after_match=${MARK_END}', 'html_strip_mode=none', 'query_mode=1') AS snip`,
    );
  }
  if (q.match !== null) {
    where.push("MATCH(?)");
    params.push(q.match);
  }
  const filters = compileFieldFilters(q.filters, q.conditions);
  const keyset = timeAndKeyset(q);
  select.push(...filters.select, ...keyset.select);
  where.push(...filters.where, ...absentConditions(q.absentFields), ...keyset.where);
  const order = orderBySql((q.cursor?.direction ?? q.direction) === "newer" ? "asc" : "desc");
  const limit = Math.max(1, Math.min(10_000, Math.trunc(q.limit)));
  const sql =
    `SELECT ${select.join(", ")} FROM ${from}` +
    (where.length ? ` WHERE ${where.join(" AND ")}` : "") +
    ` ORDER BY ${order} LIMIT ${limit} OPTION max_matches=${Math.max(1000, limit)}, ranker=none`;
  return format(sql, params);
}

// ---------------------------------------------------------------------------------------------------------------
// Writes

export type EngineRow = {
  id: string;
  ts: number;
  /** Decimal, below 2^63: the record's place among its source's lines of the same millisecond. */
  seq: string;
  message: string;
  /** ALL_DOCS_TOKEN, `key=value` of indexed columns, and the words of every string field (engine-words.ts). */
  fieldsText: string;
  lvl: number;
  level: string;
  logger: string;
  host: string;
  json: string;
};

const INSERT_COLUMNS = "(id, message, fields, msg, ts, seq, lvl, level, logger, host, js)";

// How a message's colour (SGR) sequences are stored, in the full-text field and in `msg` alike. The tokenizer
// reads `ESC[31mERROR` as two separators and the word `31merror`: a search for `error` would not find the line,
// nor a snippet mark it. So each sequence is spelled in control characters, which the tokenizer takes as
// separators (as a reader takes a change of colour): ESC, each parameter character as below, then U+001E.
// U+001A is left out: it is one of the characters sqlString escapes. A message holds no control character but
// the ESC of an SGR sequence (the collector removes the rest), so the spelling is read back unambiguously.
// By character code: a sent parameter character's stored spelling (digits U+0010..U+0019, `;` U+001C, `:`
// U+001D), and the reverse; 0 for any other character.
const PARAM_STORED = new Uint16Array(0x80);
const PARAM_SENT = new Uint16Array(0x80);
[..."0123456789;:"].forEach((c, i) => {
  const stored = i < 10 ? 0x10 + i : 0x1c + i - 10;
  PARAM_STORED[c.charCodeAt(0)] = stored;
  PARAM_SENT[stored] = c.charCodeAt(0);
});
const ESC = 0x1b;
const STORED_END = 0x1e;
const UTF16 = new TextDecoder("utf-16le");

/**
 * Rewrites each sequence `ESC <open> <parameters> <close>` with the parameters mapped through `params`, in one
 * pass over character codes: a 2 MB message of 300,000 sequences takes tens of milliseconds, where a
 * replace callback per sequence took half a second.
 */
function respell(
  text: string,
  from: { open: number; close: number },
  to: { open: number; close: number },
  params: Uint16Array,
): string {
  // Read back, a sequence grows by its `[`: by half at most (ESC U+001E becomes ESC [ m).
  const out = new Uint16Array(to.open >= 0 ? text.length * 2 : text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === ESC) {
      let j = from.open >= 0 ? i + 2 : i + 1;
      if (from.open < 0 || text.charCodeAt(i + 1) === from.open) {
        while (j < text.length && text.charCodeAt(j) < 0x80 && params[text.charCodeAt(j)] !== 0) j++;
        if (j < text.length && text.charCodeAt(j) === from.close) {
          out[n++] = ESC;
          if (to.open >= 0) out[n++] = to.open;
          for (let k = from.open >= 0 ? i + 2 : i + 1; k < j; k++) out[n++] = params[text.charCodeAt(k)]!;
          out[n++] = to.close;
          i = j;
          continue;
        }
      }
    }
    out[n++] = c;
  }
  // Messages hold no lone surrogates (the collector replaced them, and the engine returns UTF-8), so decoding
  // the code units as UTF-16 gives them back as they were.
  return UTF16.decode(out.subarray(0, n));
}

const SENT = { open: 0x5b, close: 0x6d };
const STORED = { open: -1, close: STORED_END };

/** A message as the engine stores it (SGR sequences spelled in control characters). */
export function messageToEngine(message: string): string {
  return message.includes("\u001b") ? respell(message, SENT, STORED, PARAM_STORED) : message;
}

/** A stored message (or a snippet of one) as it was sent: the reverse of messageToEngine. */
export function messageFromEngine(stored: string): string {
  return stored.includes("\u001b") ? respell(stored, STORED, SENT, PARAM_SENT) : stored;
}

/** Bytes of one row in a REPLACE statement, for bounding a statement below max_packet_size. */
export function rowSqlBytes(r: EngineRow): number {
  return (
    2 * Buffer.byteLength(r.message) +
    Buffer.byteLength(r.fieldsText) +
    Buffer.byteLength(r.json) +
    r.level.length +
    r.logger.length +
    r.host.length +
    r.seq.length +
    96
  );
}

export function replaceRowsSql(table: string, rows: EngineRow[]): string {
  assertTables([table]);
  for (const r of rows)
    if (!ID_PATTERN.test(r.id) || !ID_PATTERN.test(r.seq)) throw new Error("invalid row key");
  const values = rows.map((r) => {
    const message = sqlString(messageToEngine(r.message));
    return (
      `(${r.id},${message},${sqlString(r.fieldsText)},${message},${Math.trunc(r.ts)},${r.seq},` +
      `${r.lvl >>> 0},${sqlString(r.level)},${sqlString(r.logger)},${sqlString(r.host)},${sqlString(r.json)})`
    );
  });
  return `REPLACE INTO ${table} ${INSERT_COLUMNS} VALUES ${values.join(",")}`;
}

export function countTableSql(table: string): string {
  return `SELECT COUNT(*) AS n FROM ${assertTables([table])}`;
}

export function truncateSql(table: string): string {
  return `TRUNCATE RTINDEX ${assertTables([table])}`;
}

/** Writes a daily table's RAM chunk to disk (what a restart would otherwise replay from the binlog). */
export function flushTableSql(table: string): string {
  return `FLUSH RTINDEX ${assertTables([table])}`;
}

/**
 * The upgrade for day tables written before `seq` existed. searchd keeps a table's schema from its own files,
 * not from the config, so declaring the column adds it only to new tables; and a query over several tables
 * where one lacks an ORDER BY column fails ("index <t>: ", 2.2.11), or through a distributed table's agents
 * answers no rows at all for a filter on it. The supervisor adds the
 * column to every table it serves, at start, before anything reads them (tables a reload adds are new and take the config's schema); old rows read 0.
 */
export function describeTableSql(table: string): string {
  return `DESCRIBE ${assertTables([table])}`;
}

export function lacksOrderColumn(describeRows: Record<string, unknown>[]): boolean {
  return !describeRows.some((r) => r.Field === "seq");
}

export function addOrderColumnSql(table: string): string {
  return `ALTER TABLE ${assertTables([table])} ADD COLUMN seq BIGINT`;
}

/**
 * A statement on a table the supervisor has not upgraded yet: worth retrying, not the records' or the query's
 * fault. A write says "unknown column: 'seq'"; a read of one table "index t: parse error: unknown column: seq";
 * a read over several where one lacks it only "index t: " with nothing after (2.2.11).
 */
export function isMissingOrderColumnError(err: unknown): boolean {
  const words = engineOwnWords(err).replace(/\0/g, "");
  return /unknown column:? '?seq\b/i.test(words) || /^index [a-z][a-z0-9_]*:\s*$/.test(words);
}

/** Which of these record ids the table holds, as rows `{ id }`. */
export function recordsWithIdsSql(table: string, ids: string[]): string {
  for (const id of ids) if (!/^\d{1,19}$/.test(id)) throw new Error(`invalid record id: ${id}`);
  return `SELECT id FROM ${assertTables([table])} WHERE id IN (${ids.join(",")}) LIMIT ${Math.max(1, ids.length)}`;
}

export const SHOW_TABLES_SQL = "SHOW TABLES";

/** Table names from SHOW_TABLES_SQL's rows: the column is `Index` in 2.2 and Manticore 6, `Table` from 7.0. */
export function tableNamesFromShowTables(rows: Record<string, unknown>[]): Set<string> {
  const names = new Set<string>();
  for (const r of rows) {
    const name = r.Table ?? r.Index;
    if (typeof name === "string") names.add(name);
  }
  return names;
}

/** Sent after a SELECT in the same round trip, it reports on that SELECT. */
export const SHOW_META_SQL = "SHOW META";

/** `total_found` from SHOW_META_SQL's rows `{ Variable_name, Value }`: how many matched beyond the LIMIT. */
export function totalFoundFromMeta(rows: Record<string, unknown>[]): number | undefined {
  const value = rows.find((r) => r.Variable_name === "total_found")?.Value;
  return value === undefined || value === null ? undefined : Number(value);
}

/**
 * Most statements one multi-statement round trip carries: `max_batch_queries`, 32 by default in both engines
 * (Manticore's manual, Server_settings/Searchd.md: "Limits the amount of queries per batch. Optional, default is
 * 32"). Manticore 6.3.6 applies it to its binary protocol (src/searchd.cpp) and not to SphinxQL, but a
 * `max_batch_queries` set lower, or a later release, would refuse the whole batch.
 */
export const MAX_BATCH_STATEMENTS = 32;

// ---------------------------------------------------------------------------------------------------------------
// Errors

/**
 * The engine's own words in an error message. Both engines quote the rest of the statement after " near '" in a
 * syntax error (Manticore: src/searchdsql.cpp, "%s %s near '%s'"), and so the log text being written.
 */
export function engineOwnWords(err: unknown): string {
  const message = (err as { message?: unknown } | null)?.message;
  return (typeof message === "string" ? message : "").split(" near '")[0]!;
}

/**
 * Whether the engine refused a statement because it does not serve a table it names: not yet (a new index or a
 * new day before the supervisor's reload) or not any more (a day dropped by retention). Each engine's words:
 * - Sphinx 2.2.11 (measured): SELECT "unknown local index 'web_20261122' in search request" ("index(es)" for
 *   several), REPLACE "no such index 'web_20261122'".
 * - Manticore 6.3.6 (src/searchd.cpp): SELECT "unknown local table(s) 'web_20261122' in search request",
 *   REPLACE and INSERT "table 'web_20261122' absent, or does not support INSERT", other statements
 *   "no such table 'web_20261122'" or "unknown local table 'web_20261122'".
 * REPLACE names only daily RT tables, so "does not support INSERT" can only mean the table is missing.
 */
export function isMissingTableError(err: unknown): boolean {
  return /unknown (local )?(index|table)|no such (index|table)\b|' absent, or does not support INSERT/i.test(
    engineOwnWords(err),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Aggregates for the reader: histogram, facets, volume (measured on 2.2.11, valid in Manticore)
//
// - `IDIV(ts, X)` and `ts DIV X` both bucket the bigint `ts` in 2.2 and keep 64 bits; IDIV is used.
// - GROUP BY works on JSON paths (`js.user AS v … GROUP BY v`, also `js['@version']`). The group key is the
//   value's text, so {"status":500} and {"status":"500"} fall in one group, as the `status:500` filter finds
//   both; floats come back as `%f` text (1.5 → "1.500000"); booleans are not groupable (NULL), nor
//   matched by IN(); a missing key is a NULL group. A string attribute can be grouped by its alias but 2.2
//   cannot ORDER BY a string alias ("sort-by attribute not found"), so groups are ordered by count only.
// - FACET exists in 2.2 but scans once per facet: five FACETs took as long as five GROUP BY statements
//   (~0.26 s at 1M rows), so each facet is its own GROUP BY statement, with its own filters.

function scopeParts(q: RecordsScope): { from: string; select: string[]; where: string[]; params: string[] } {
  const from = assertTables(q.tables);
  const filters = compileFieldFilters(q.filters, q.conditions);
  const time = timeAndKeyset({ fromMs: q.fromMs, toMs: q.toMs });
  return {
    from,
    select: filters.select,
    where: [
      ...(q.match !== null ? ["MATCH(?)"] : []),
      ...filters.where,
      ...absentConditions(q.absentFields),
      ...time.where,
    ],
    params: q.match !== null ? [q.match] : [],
  };
}

function renderScoped(parts: ReturnType<typeof scopeParts>, columns: string[], tail: string): string {
  const sql =
    `SELECT ${[...parts.select, ...columns].join(", ")} FROM ${parts.from}` +
    (parts.where.length ? ` WHERE ${parts.where.join(" AND ")}` : "") +
    ` ${tail}`;
  return format(sql, parts.params);
}

const NO_CONTROL_CHARS = /^[^\u0000-\u001f\u007f]{1,128}$/;

/** Whether fieldValueExpr can name this field: 1 to 128 characters, no control characters. */
export function isExpressibleField(field: string): boolean {
  return isAttributeField(field) || FIELD_NAME_PATTERN.test(field) || NO_CONTROL_CHARS.test(field);
}

/**
 * The engine expression for a field's value: its attribute for level/logger/host, otherwise its path in the
 * record's JSON (`js.name`, or `js['name']` for keys such as `@version` that are not identifiers).
 */
export function fieldValueExpr(field: string): string {
  if (isAttributeField(field)) return field;
  if (FIELD_NAME_PATTERN.test(field)) return `js.${field}`;
  if (!isExpressibleField(field)) throw new Error(`invalid field name: ${JSON.stringify(field)}`);
  return `js[${sqlString(field)}]`;
}

export type HistogramQuery = RecordsScope & {
  bucketMs: number;
  maxBuckets: number;
  /** How many distinct `lvl` values a bucket can hold: the groups per bucket. */
  levelsPerBucket: number;
};

/**
 * Matches per time bucket and level number, in one scan: rows `{ bucket, lvl, bucket_count }`, `bucket` =
 * floor(ts / bucketMs), ascending. Grouped by the uint `lvl`, not the `level` string: a number is the cheaper key
 * and says the same (levelConditions). 2.2 and Manticore both group by several keys, an expression's alias among
 * them; the limit leaves room for every level of every bucket, since groups past it would be dropped silently.
 */
export function histogramSql(q: HistogramQuery): string {
  if (!Number.isSafeInteger(q.bucketMs) || q.bucketMs < 1) throw new Error("invalid bucket size");
  const levels = Math.max(1, Math.trunc(q.levelsPerBucket));
  const n = Math.max(1, Math.min(10_000 * levels, Math.trunc(q.maxBuckets) * levels));
  return renderScoped(
    scopeParts(q),
    [`IDIV(ts, ${q.bucketMs}) AS bucket`, "lvl", "COUNT(*) AS bucket_count"],
    `GROUP BY bucket, lvl ORDER BY bucket ASC, lvl ASC LIMIT ${n} OPTION max_matches=${n}, ranker=none`,
  );
}

export type FacetQuery = RecordsScope & { field: string; limit: number };

/**
 * Matches per value of one field, most frequent first: rows `{ facet_value, facet_count }`. Records without the
 * field form a NULL (JSON) or empty-string (attribute) group.
 */
export function facetCountsSql(q: FacetQuery): string {
  return valueCountsSql(q, "facet");
}

/** Matches per value of `q.field`, most frequent first, as `<prefix>_value` and `<prefix>_count` (and `extra`). */
function valueCountsSql(
  q: RecordsScope & { field: string; limit: number },
  prefix: string,
  extra: string[] = [],
): string {
  const n = Math.max(1, Math.min(10_000, Math.trunc(q.limit)));
  return renderScoped(
    scopeParts(q),
    [`${fieldValueExpr(q.field)} AS ${prefix}_value`, `COUNT(*) AS ${prefix}_count`, ...extra],
    `GROUP BY ${prefix}_value ORDER BY ${prefix}_count DESC LIMIT ${n} OPTION max_matches=${n}, ranker=none`,
  );
}

export type GroupCountsQuery = RecordsScope & { field: string; limit: number };

/**
 * Matches per value of one field with the newest match's time, most frequent first: rows
 * `{ group_value, group_count, last_ts }`. As facetCountsSql, records without the field form a NULL (JSON) or
 * empty-string (attribute) group. For the /hosts API: a host's sources, and the hosts when Redis is away.
 */
export function groupCountsSql(q: GroupCountsQuery): string {
  return valueCountsSql(q, "group", ["MAX(ts) AS last_ts"]);
}

/**
 * Whether anything matches: one row `{ id }` or none. `cutoff=1` stops the scan at the first match, so a filter
 * on an attribute (`host`) answers quickly where the value is common and scans once where it is absent.
 */
export function anyRecordSql(q: RecordsScope): string {
  return renderScoped(scopeParts(q), ["id"], "LIMIT 1 OPTION cutoff=1, ranker=none");
}

/** Rows of `table` (daily or distributed) with `ts >= sinceMs`, as one row `{ n }`. */
export function countSinceSql(table: string, sinceMs: number): string {
  return `SELECT COUNT(*) AS n FROM ${assertTables([table])} WHERE ts >= ${Math.trunc(sinceMs)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Table status, for the admin pages (measured on 2.2.11; Manticore answers the same statement)
//
// - `SHOW INDEX <rt table> STATUS` returns rows `{ Variable_name, Value }`: index_type, indexed_documents,
//   indexed_bytes, ram_bytes, disk_bytes, ram_chunk, disk_chunks, mem_limit. On a distributed table it fails
//   ("SHOW INDEX STATUS requires an existing index"), so it is asked of each daily table.
// - 2.2: `disk_bytes` counts only disk chunks: a table whose rows all sit in its RAM chunk reports 0 there
//   although searchd saves that chunk to disk too, so a table's size is `disk_bytes + ram_bytes`.
// - Manticore 6.3.6 (src/sphinxrt.cpp, RtIndex_c::GetStatus): `disk_bytes` adds the saved RAM chunk's `.ram`
//   and `.meta` files to the disk chunks' files, and `ram_bytes` is memory (RAM chunk plus what disk chunks hold
//   in memory), so `disk_bytes` alone is the size; adding `ram_bytes` would count the RAM chunk twice.
// - 2.2 never answers it inside a multi-statement batch (the connection hangs): one statement per round trip.

/** One table's status; send it alone, never in a multi-statement batch. */
export function tableStatusSql(table: string): string {
  return `SHOW INDEX ${assertTables([table])} STATUS`;
}

/** Bytes a table takes on disk, RAM chunk included, from the rows of tableStatusSql; null if not reported. */
export function tableBytesFromStatus(rows: Record<string, unknown>[], flavor: EngineFlavor): number | null {
  const vars = new Map(rows.map((r) => [String(r.Variable_name), Number(r.Value)]));
  const disk = vars.get("disk_bytes");
  const ram = vars.get("ram_bytes");
  if (disk === undefined || !Number.isFinite(disk)) return null;
  if (flavor === "manticore") return disk;
  return disk + (ram !== undefined && Number.isFinite(ram) ? ram : 0);
}
