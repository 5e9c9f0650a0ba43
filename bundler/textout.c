#include <string.h>

#include "textesc.h"
#include "textout.h"

static int
put_file(void *ctx, const void *p, size_t n)
{
	return fwrite(p, 1, n, ctx) == n ? 0 : -1;
}

void
out_escaped(FILE *f, const char *s)
{
	sb_escape_human(s, strlen(s), put_file, f);
}

void
out_json_string(FILE *f, const char *s)
{
	sb_escape_json(s, strlen(s), 1, put_file, f);
}

void
out_json_field(FILE *f, const char *key, const char *s)
{
	fprintf(f, "\"%s\": ", key);
	if (s == NULL) {
		fputs("null", f);
		return;
	}
	out_json_string(f, s);
	if (sb_utf8_valid(s, strlen(s)))
		return;
	fprintf(f, ", \"%s_hex\": \"", key);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		fprintf(f, "%02X", *p); /* as SQL's hex() and sbtrace report write it */
	putc('"', f);
}
