/*
 * The glibc run-time files a program needs that neither its ELF files
 * nor (always) a trace name: gconv modules, locale data, NSS.
 */
#ifndef SB_RULES_H
#define SB_RULES_H

#include "closure.h"
#include "trace.h"

int rules_apply(struct closure *c, const struct trace_result *tr);

#endif
