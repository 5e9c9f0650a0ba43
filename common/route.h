/*
 * A wrapper that must not stand between the program and the C library:
 * dlopen learns the object that called it (for that object's RUNPATH
 * and namespace) from its own return address, so a call made from a
 * wrapper searches with the wrapper's.  SB_ROUTE(name, route, slow)
 * defines name in assembly: it calls route(its first two arguments) and
 * jumps, with the caller's return address back on top of the stack and
 * every argument as it came, to what route returned, or to slow when
 * route returned NULL.  Used by the preload library and host mode's
 * shim; x86_64 only (elsewhere the wrapper is a plain C function).
 */
#ifndef SB_ROUTE_H
#define SB_ROUTE_H

#if defined(__x86_64__)
#define SB_ROUTE_ASM 1
/* three pushes keep the stack 16-byte aligned for the call */
#define SB_ROUTE(name, route, slow)                                                                \
	__asm__(".text\n"                                                                          \
		".globl " #name "\n"                                                               \
		".type " #name ",@function\n" #name ":\n"                                          \
		"	endbr64\n"                                                                       \
		"	push %rdi\n"                                                                     \
		"	push %rsi\n"                                                                     \
		"	push %rdx\n"                                                                     \
		"	call " #route "\n"                                                         \
		"	pop %rdx\n"                                                                      \
		"	pop %rsi\n"                                                                      \
		"	pop %rdi\n"                                                                      \
		"	test %rax, %rax\n"                                                               \
		"	jz " #slow "\n"                                                            \
		"	jmp *%rax\n"                                                                     \
		".size " #name ", .-" #name "\n")
#endif

#endif
