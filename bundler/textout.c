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
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	putc('"', f);
	for (size_t i = 0; i < n;) {
		size_t k = sb_utf8_len(p + i, n - i);
		unsigned char c = p[i];
		if (k == 0) {
			fputs("\\ufffd", f);
			i++;
			continue;
		}
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fwrite(p + i, 1, k, f);
		i += k;
	}
	putc('"', f);
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
