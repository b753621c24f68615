#ifndef MGVIZ_CGRAPHVIZ_SHIM_H
#define MGVIZ_CGRAPHVIZ_SHIM_H
// For dladdr, which Swift's Glibc module does not declare.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <stdbool.h>
#include <stddef.h>
// pkg-config's cflags put /usr/include/graphviz on the include path.
#include <gvc.h>
#include <cgraph.h>
#include <graphviz_version.h>

// ---- What differs between Graphviz versions, so that Swift calls one signature everywhere.
//
// Graphviz 13.0.0 broke its API: gvRenderData's length became a `size_t *` (an `unsigned int
// *` before), agstrfree took a third parameter (is_html), the id discipline lost its `alloc`
// (and 9.0.0 had already dropped Agdisc_t's `mem`). Graphviz 14 and later say their version
// in graphviz_version.h (GRAPHVIZ_VERSION_MAJOR); 13.x does not, but 13.0.0 removed cgraph's
// agnew macro, which every release from 2.42 to 12.2.1 defines. (GVPLUGIN_VERSION cannot
// tell: some 13.x builds still said 6, and CMake builds before 13 said 7.)
#if defined(GRAPHVIZ_VERSION_MAJOR)
#define MGVIZ_GRAPHVIZ_13_OR_LATER (GRAPHVIZ_VERSION_MAJOR >= 13)
#elif defined(agnew)
#define MGVIZ_GRAPHVIZ_13_OR_LATER 0
#else
#define MGVIZ_GRAPHVIZ_13_OR_LATER 1
#endif

#if MGVIZ_GRAPHVIZ_13_OR_LATER
typedef size_t mgviz_render_length_t;
#else
typedef unsigned int mgviz_render_length_t;
#endif

// A wrong choice above would be only a warning (an incompatible pointer, and warnings are
// silent in a system module) and a stack overwrite at run time; this makes it an error.
_Static_assert(_Generic(&gvRenderData,
                        int (*)(GVC_t *, graph_t *, const char *, char **, mgviz_render_length_t *): 1,
                        default: 0),
               "mgviz: gvRenderData's length type does not match the Graphviz version that shim.h detected");

/// gvRenderData with the length as a size_t whatever Graphviz's own type for it.
static inline int mgviz_render_data(GVC_t *gvc, Agraph_t *graph, const char *format, char **result, size_t *length) {
    mgviz_render_length_t rendered = 0;
    int status = gvRenderData(gvc, graph, format, result, &rendered);
    *length = rendered;
    return status;
}

/// Frees a string made by agstrdup (never an HTML one).
static inline int mgviz_strfree(Agraph_t *graph, char *string) {
#if MGVIZ_GRAPHVIZ_13_OR_LATER
    return agstrfree(graph, string, false);
#else
    return agstrfree(graph, string);
#endif
}

/// Fills `discipline` with Graphviz's defaults but for reading through `afread` and naming
/// objects through `map`, `free_id` and `print`. Copies of the defaults, so that the fields
/// some versions have and others do not (Agdisc_t's `mem`, the id discipline's `alloc`)
/// keep Graphviz's own values without being named.
static inline void mgviz_make_discipline(
    Agdisc_t *discipline, Agiddisc_t *ids, Agiodisc_t *io,
    long (*map)(void *state, int objtype, char *str, IDTYPE *id, int createflag),
    void (*free_id)(void *state, int objtype, IDTYPE id),
    char *(*print)(void *state, int objtype, IDTYPE id),
    int (*afread)(void *channel, char *buffer, int size)) {
    *ids = AgIdDisc;
    ids->map = map;
    ids->free = free_id;
    ids->print = print;
    *io = AgIoDisc;
    io->afread = afread;
    *discipline = AgDefaultDisc;
    discipline->id = ids;
    discipline->io = io;
}

// ---- Finding and sizing.

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
// ---- A layout's positions, read from the laid-out graph at full precision: Graphviz's
// `plain` output prints them with %.5g in inches, which snaps them to 0.72 pt past 1,000
// inches and merged the nodes and edges of a 10,000-value chain. The fields are macros,
// which Swift cannot call. Positions are in points, y upwards; sizes in inches.

/// Whether `node` is one that fdp makes for a cluster, which `plain` leaves out too.
static inline bool mgviz_is_cluster_node(Agnode_t *node) { return ND_clustnode(node); }
static inline pointf mgviz_node_centre(Agnode_t *node) { return ND_coord(node); }
static inline double mgviz_node_width(Agnode_t *node) { return ND_width(node); }
static inline double mgviz_node_height(Agnode_t *node) { return ND_height(node); }
static inline Agnode_t *mgviz_edge_tail(Agedge_t *edge) { return agtail(edge); }
static inline Agnode_t *mgviz_edge_head(Agedge_t *edge) { return aghead(edge); }
/// The Bézier pieces of the edge's spline; 0 when it has none.
static inline int mgviz_edge_pieces(Agedge_t *edge) { return ED_spl(edge) ? ED_spl(edge)->size : 0; }
/// The control points of piece `piece` (below mgviz_edge_pieces).
static inline int mgviz_edge_piece_points(Agedge_t *edge, int piece) { return ED_spl(edge)->list[piece].size; }
static inline pointf mgviz_edge_point(Agedge_t *edge, int piece, int point) { return ED_spl(edge)->list[piece].list[point]; }
/// The centre of the edge's label into `centre`; false when it has none.
static inline bool mgviz_edge_label_centre(Agedge_t *edge, pointf *centre) {
    if (!ED_label(edge)) return false;
    *centre = ED_label(edge)->pos;
    return true;
}
/// The drawing's top right corner: dot moves its bottom left to the origin.
static inline pointf mgviz_drawing_top_right(Agraph_t *graph) { return GD_bb(graph).UR; }
#endif
