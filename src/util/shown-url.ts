/**
 * A URL as messages, logs and pages show it: the value of a `token` in its query replaced, so
 * that an error a user pastes into an issue or a status line on a screen gives no one the secret.
 */
export function shownUrl(url: string): string {
  return url.replace(/([?&]token=)[^&#\s]*/gi, "$1***");
}
