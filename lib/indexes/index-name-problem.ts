/**
 * The rule for a logger index's name in words, and what breaks it in a given name: the admin page shows this
 * under the field as it is typed, and the API refuses a bad name with the same words (indexNameSchema).
 */
import { HEALTH_TABLE, isValidIndexName } from "@/lib/engine/index-names";

const MAX_INDEX_NAME = 48;
export const INDEX_NAME_RULE = `an index name is lowercase letters, digits and _ (starting with a letter, at most ${MAX_INDEX_NAME})`;

const quoted = (chars: string[]) => chars.map((c) => JSON.stringify(c)).join(", ");

/** null for a valid name; otherwise the rule and what this name does against it. */
export function indexNameProblem(name: string): string | null {
  if (isValidIndexName(name)) return null;
  if (name === HEALTH_TABLE) return `${HEALTH_TABLE} is the name of alco's own health table: choose another`;
  const wrong = [...new Set([...name].filter((c) => !/[a-z0-9_]/.test(c)))];
  const why =
    name === ""
      ? "it is empty"
      : wrong.length > 0
        ? `${quoted(wrong.slice(0, 5))} ${wrong.length === 1 ? "is" : "are"} not allowed`
        : !/^[a-z]/.test(name)
          ? `it starts with ${quoted([name[0]!])}`
          : `it has ${name.length} characters`;
  return `${INDEX_NAME_RULE}: ${why}`;
}
