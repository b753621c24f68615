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

// The laid-out drawing's size in points, and the resolution a bitmap of it is rendered at
// (read by gvRenderData from the graph's layout record, so it can be set after gvLayout).
static inline double mgviz_drawing_width(Agraph_t *graph) { return GD_bb(graph).UR.x - GD_bb(graph).LL.x; }
static inline double mgviz_drawing_height(Agraph_t *graph) { return GD_bb(graph).UR.y - GD_bb(graph).LL.y; }
static inline void mgviz_set_dpi(Agraph_t *graph, double dpi) { GD_drawing(graph)->dpi = dpi; }
#endif
