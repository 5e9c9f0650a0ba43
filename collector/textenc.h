/*
 * Paths as text, for sbtrace report (sbtrace-report(1) ENCODING).  A
 * path is bytes; JSON and CSV are UTF-8 text.  The rule, one for both:
 * a string that is valid UTF-8 is written as it is (escaped or quoted
 * as the format wants); in one that is not, each byte that is not part
 * of a valid UTF-8 sequence becomes U+FFFD, and the exact bytes go
 * beside it in upper-case hexadecimal (textenc_add_hex), in a field of
 * the same name with "_hex" appended.  A reader that needs the bytes
 * takes the _hex field where there is one and the string's UTF-8
 * otherwise: nothing is ambiguous, not even a path that holds U+FFFD
 * itself.  For people, the text report escapes (textenc_add_human).
 */
#ifndef SB_COLLECTOR_TEXTENC_H
#define SB_COLLECTOR_TEXTENC_H

#include <stddef.h>

#include "textesc.h" /* sb_utf8_len, sb_utf8_valid: the UTF-8 rule */
#include "util.h"

/* Append s[0..n) with each byte not in a valid sequence made U+FFFD. */
int textenc_add_utf8(struct buf *b, const char *s, size_t n);

/* Append s[0..n) as upper-case hexadecimal, two digits a byte, as
 * SQL hex() writes it. */
int textenc_add_hex(struct buf *b, const char *s, size_t n);

/*
 * Append s[0..n) as an RFC 4180 CSV field: textenc_add_utf8's text,
 * between double quotes, each '"' doubled, when it holds a comma, a
 * double quote, CR or LF (or starts or ends with a space, which some
 * readers strip); as it is otherwise.
 */
int textenc_add_csv(struct buf *b, const char *s, size_t n);

/*
 * Append s[0..n) for a terminal: printable UTF-8 as it is; a backslash
 * as "\\", newline, tab and carriage return as "\n", "\t", "\r"; every
 * other control character (C0, DEL, C1) and every byte not in a valid
 * sequence as "\xHH".  Reads back unambiguously, and moves no cursor.
 */
int textenc_add_human(struct buf *b, const char *s, size_t n);

/*
 * Append s[0..n) as one shell word: as it is when it holds only
 * characters no shell treats specially; in single quotes when it is
 * printable UTF-8 ("'" as '\''); else in bash's $'...' with
 * textenc_add_human's escapes (and "'" as \'), so control characters
 * and bytes that are not UTF-8 show and copy back exactly.
 */
int textenc_add_shell(struct buf *b, const char *s, size_t n);

/* Columns s[0..n) takes on a terminal: one per UTF-8 character (s is
 * what the functions above wrote). */
size_t textenc_width(const char *s, size_t n);

/* The bytes of s[0..n) that fit in cols columns, never cutting a UTF-8
 * sequence. */
size_t textenc_fit(const char *s, size_t n, size_t cols);

#endif
