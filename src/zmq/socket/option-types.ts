/**
 * The types the option table gives (option-table.ts): option names, each class's option
 * properties, the constructor options. Derived from the rows themselves, so that a row is all
 * it takes to add an option. The properties are picked from AllOptionProperties (written out from
 * the table with each option's description, option-row-types.ts): a mapped type over `Pick` keeps
 * the JSDoc of the property it picks, so editors show each option's description on
 * `socket.linger` and on `new Dealer({ linger })`; one over bare names would not.
 */
import type { AllOptionProperties } from "./option-row-types.js";
import type { OPTION_ROWS, SocketClassName } from "./option-table.js";

export type { AllOptionProperties } from "./option-row-types.js";

type Row = (typeof OPTION_ROWS)[number];

/** Every option's name. */
export type OptionName = Row["name"];

/**
 * The names of the settable options of one socket class (read-only state such as `type` is not an option).
 * @internal
 */
type OptionNamesOf<C extends SocketClassName> = Row extends infer R
  ? R extends Row
    ? R["access"] extends "r"
      ? never
      : C extends R["on"][number]
        ? R["name"]
        : never
    : never
  : never;

/**
 * The names of the settable options every socket type has.
 * @internal
 */
type SharedOptionNames = Row extends infer R
  ? R extends Row
    ? R["access"] extends "r"
      ? never
      : SocketClassName extends R["on"][number]
        ? R["name"]
        : never
    : never
  : never;

/**
 * What a constructor or an assignment accepts for an option whose property holds `T`: strings
 * may be given as bytes too.
 * @internal
 */
export type GivenValue<T> = null extends T ? T | Uint8Array : T;

/** The option properties of a socket class, as its instances have them (`Dealer`'s `linger`...). */
export type OptionProperties<C extends SocketClassName> = Pick<AllOptionProperties, OptionNamesOf<C>>;

/**
 * The option properties of a socket class beyond those every socket has (Socket's): what
 * withOptions() adds to a class's base. Were the shared ones added again, each would have two
 * declarations (and TypeDoc would warn of each).
 * @internal
 */
export type OwnOptionProperties<C extends SocketClassName> = Pick<
  AllOptionProperties,
  Exclude<OptionNamesOf<C>, SharedOptionNames>
>;

/** The options a socket class's constructor takes, each optional; a misspelt one is an error. */
export type OptionValues<C extends SocketClassName> = {
  [K in keyof OptionProperties<C>]?: GivenValue<OptionProperties<C>[K]>;
};

/** The option properties every socket type has (those of the native package's Socket). */
export type SharedOptionProperties = Pick<AllOptionProperties, SharedOptionNames>;

/** The options every socket type's constructor takes, each optional (`SocketOptions<Socket>`). */
export type SharedOptionValues = {
  [K in keyof SharedOptionProperties]?: GivenValue<SharedOptionProperties[K]>;
};

/** The kind of the value an option keeps internally (strings as bytes), by name. */
export type StoredValue<N extends OptionName> = Extract<Row, { name: N }>["kind"] extends infer K
  ? K extends "bool"
    ? boolean
    : K extends "string"
      ? Uint8Array | null
      : number
  : never;
