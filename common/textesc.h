/*
 * Path bytes as text, one rule for the project's two readers of them
 * (sbtrace report, sidebundle show and deps): what UTF-8 is valid, and
 * how a name is escaped for a terminal.  A path is bytes; a terminal
 * obeys control characters; so printable UTF-8 is written as it is, and
 * "\\", "\n", "\t", "\r" and "\xHH" (upper-case, as SQL's hex() and the
 * _hex fields of the JSON output write bytes) stand for the rest: the
 * text reads back to the same bytes and moves no cursor.
 */
#ifndef SB_TEXTESC_H
#define SB_TEXTESC_H

#include <stddef.h>

/*
 * The length (1 to 4) of the valid UTF-8 sequence s[0..n) starts with,
 * or 0 when s[0] starts none: RFC 3629 strictly, so no overlong form, no
 * surrogate (U+D800..U+DFFF) and nothing above U+10FFFF.  n > 0.
 */
size_t sb_utf8_len(const unsigned char *s, size_t n);

/* The replacement character U+FFFD in UTF-8. */
#define SB_UTF8_REPLACEMENT "\xef\xbf\xbd"

/* Is s[0..n) valid UTF-8 (NUL counts as valid)? */
int sb_utf8_valid(const char *s, size_t n);

/*
 * s[0..n) for a terminal, handed to put piece by piece: printable UTF-8
 * as it is; a backslash as "\\"; newline, tab and carriage return as
 * "\n", "\t", "\r"; every other control character (C0, DEL, and the C1
 * controls U+0080..U+009F, which a terminal obeys as it does C0 ones)
 * and every byte not in a valid sequence as "\xHH".  Returns 0, or the
 * first nonzero put returned.
 */
int sb_escape_human(const char *s, size_t n, int (*put)(void *ctx, const void *p, size_t len),
    void *ctx);

/*
 * s[0..n) as a JSON string (RFC 8259), quotes included, handed to put
 * piece by piece: '"', '\\' and control characters escaped (\n \t \r
 * \b \f, else \u00XX); every other byte below 0x80 as it is.  Bytes from
 * 0x80 up: with text 0, copied as they are (argv is bytes, not text, and
 * SQLite's json_each() gives such strings back unchanged); with text 1,
 * copied where they form valid UTF-8 and each byte of no valid sequence
 * made U+FFFD (output that must be UTF-8: its reader finds the exact
 * bytes in a "_hex" member beside it).  Returns 0, or the first nonzero
 * put returned.
 */
int sb_escape_json(const char *s, size_t n, int text,
    int (*put)(void *ctx, const void *p, size_t len), void *ctx);

#endif
