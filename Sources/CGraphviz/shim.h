#ifndef MGVIZ_CGRAPHVIZ_SHIM_H
#define MGVIZ_CGRAPHVIZ_SHIM_H
// For dladdr, which Swift's Glibc module does not declare.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
// pkg-config's cflags put /usr/include/graphviz on the include path.
#include <gvc.h>
#include <cgraph.h>

/// The path of the loaded libgvc, whose `graphviz` folder holds the plugins; NULL if unknown.
static inline const char *mgviz_libgvc_path(void) {
    Dl_info info;
    if (dladdr((void *)gvContext, &info) != 0) return info.dli_fname;
    return NULL;
}
#endif
