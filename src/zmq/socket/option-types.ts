/**
 * The types the option table gives (option-table.ts): option names, each class's option
 * properties, the constructor options. Derived from the rows themselves, so that a row is all
 * it takes to add an option.
 */
import type { ALL_SOCKETS, OPTION_ROWS, OptionKind, SocketClassName } from "./option-table.js";

type Row = (typeof OPTION_ROWS)[number];

/** Every option's name. */
export type OptionName = Row["name"];

/** The options of every socket type, and their values as given. */
type SharedRow = Extract<Row, { on: typeof ALL_SOCKETS }>;
export type SharedOptionValues = {
  -readonly [R in SharedRow as R["access"] extends "r" ? never : R["name"]]?: GivenValue<R["kind"]>;
};
export type SharedOptionProperties = {
  -readonly [R in SharedRow as R["access"] extends "r" ? never : R["name"]]: PropertyValue<R["kind"]>;
};

/** The value an option's property holds, by kind (strings read back as text). */
type PropertyValue<K extends OptionKind> = K extends "bool" ? boolean : K extends "string" ? string | null : number;

/** What a constructor or an assignment accepts: strings may be given as bytes too. */
type GivenValue<K extends OptionKind> = K extends "string" ? string | Uint8Array | null : PropertyValue<K>;

/** The settable options of one socket class (read-only state such as `type` is not an option). */
type RowsOf<C extends SocketClassName> = Row extends infer R
  ? R extends Row
    ? R["access"] extends "r"
      ? never
      : C extends R["on"][number]
        ? R
        : never
    : never
  : never;

/** The option properties of a socket class, as its instances have them. */
export type OptionProperties<C extends SocketClassName> = {
  -readonly [R in RowsOf<C> as R["name"]]: PropertyValue<R["kind"]>;
};

/** The options a socket class's constructor takes (each optional); a misspelt one is an error. */
export type OptionValues<C extends SocketClassName> = {
  -readonly [R in RowsOf<C> as R["name"]]?: GivenValue<R["kind"]>;
};

/** The kind of the value an option keeps internally (strings as bytes), by name. */
export type StoredValue<N extends OptionName> = Extract<Row, { name: N }>["kind"] extends infer K
  ? K extends "bool"
    ? boolean
    : K extends "string"
      ? Uint8Array | null
      : number
  : never;
