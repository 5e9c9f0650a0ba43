/*
 * Text the bundler prints that holds paths, which are bytes: for people
 * (`deps`, `show`), control bytes escaped so that a hostile name cannot
 * forge lines; for programs (`show --json`), JSON that stays valid
 * whatever the bytes (sidebundle-show(1) documents the rule).
 */
#ifndef SB_TEXTOUT_H
#define SB_TEXTOUT_H

#include <stddef.h>
#include <stdio.h>

/* s escaped for a terminal by the project's one rule (common/textesc.h). */
void out_escaped(FILE *f, const char *s);

/*
 * `"key": "s"` for JSON: s is a JSON string, escaped as RFC 8259 asks,
 * when it is valid UTF-8; else each byte outside a valid sequence is
 * written as U+FFFD and `, "key_hex": "..."` follows with every byte of
 * s in upper-case hex (sbtrace report's rule, collector/textenc.h), so
 * the exact bytes are never lost.  NULL gives
 * `"key": null`.
 */
void out_json_field(FILE *f, const char *key, const char *s);
/* A JSON string of s, UTF-8 whatever s is (common/textesc.h,
 * sb_escape_json with text): out_json_field's value. */
void out_json_string(FILE *f, const char *s);

#endif
