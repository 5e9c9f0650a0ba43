/*
 * Fuzz target: #! parsing (the kernel's rules) and env -S splitting,
 * fed the first bytes of a hostile script.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shebang.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct shebang sb;
	char *cmd, **args;

	if (shebang_parse(data, size, &sb) != SHEBANG_OK)
		return 0;
	if (strlen(sb.interp) >= SHEBANG_BUF_SIZE ||
	    (sb.arg != NULL && strlen(sb.arg) >= SHEBANG_BUF_SIZE))
		abort();
	(void)shebang_is_env(sb.interp);
	if (shebang_env(sb.arg, &cmd, &args) == 0) {
		size_t n = strlen(cmd);
		for (size_t i = 0; args[i] != NULL; i++)
			n += strlen(args[i]);
		(void)n;
		free(cmd);
		shebang_argv_free(args);
	}
	shebang_free(&sb);
	return 0;
}
