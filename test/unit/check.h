/*
 * The assertion every unit test uses: count the checks, print a line
 * per failure, let the test go on so one run shows every broken case.
 * Each test's main() ends with its summary from failures and checks.
 */
#ifndef SB_TEST_CHECK_H
#define SB_TEST_CHECK_H

#include <stdio.h>

static int failures, checks;

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		checks++;                                                      \
		if (!(cond)) {                                                 \
			failures++;                                            \
			printf("FAIL line %d: %s: ", __LINE__, #cond);         \
			printf(__VA_ARGS__);                                   \
			printf("\n");                                          \
		}                                                              \
	} while (0)

#endif
