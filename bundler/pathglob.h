/*
 * --include and --exclude patterns: '*' '?' '[...]' within one
 * component, '**' any depth.  (Not <glob.h>: this one matches payload
 * paths and walks a root by fd.)
 */
#ifndef SB_PATHGLOB_H
#define SB_PATHGLOB_H

int glob_match(const char *pat, const char *path);
/* Call fn for each existing path under rootfd that matches pat. */
int glob_walk(int rootfd, const char *pat, int (*fn)(const char *path, void *arg), void *arg);

#endif
