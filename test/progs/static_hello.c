/* static_hello: a static binary (the makefile links static* with -static). */
#include <stdio.h>

int
main(void)
{
	puts("hello from a static binary");
	return 0;
}
