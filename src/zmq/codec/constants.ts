/** ZMTP 3.x wire constants (RFC 23 and 37). */
export const GREETING_SIZE = 64;
export const FLAG_MORE = 0x01;
export const FLAG_LONG = 0x02;
export const FLAG_COMMAND = 0x04;
export const RESERVED_FLAG_BITS = 0xf8;
export const MAX_SHORT_SIZE = 255;
export const ZMTP_MAJOR = 3;
export const ZMTP_MINOR = 1;
/** ZWS 2.0 (RFC 45) flags octet: its own values, not ZMTP's. */
export const ZWS_MORE = 0x01;
export const ZWS_COMMAND = 0x02;
