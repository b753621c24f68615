#ifndef MGVIZ_DOT_LEAKFIX_H
#define MGVIZ_DOT_LEAKFIX_H
#include <stddef.h>

/// Graphviz 2.42's dot layout leaks the virtual nodes and edges it makes for clusters
/// (class1's interclust1 slack nodes and aux edges, class2's build_skeleton rank leaders and
/// their edges, interclexp/map_path's replaced edges): it unlinks them from its fast graph
/// and never frees them, about 215 KB per render of the lecture MLP. They are unreachable
/// once unlinked, so they cannot be found by walking the graph afterwards.
///
/// This keeps a ledger instead: every block made by the plugin's new_virtual_edge,
/// make_aux_edge and named_virtual_node (and those nodes' in/out edge lists, followed
/// through grealloc) is recorded, and every free() and grealloc() the plugin itself makes
/// takes blocks out. What is still in the ledger after gvFreeLayout (dot_cleanup) was never
/// released and nothing refers to it any more, so it is freed. The hooks are installed by
/// rewriting the plugin's own PLT slots: only calls made from inside
/// libgvplugin_dot_layout are affected, and the sweep never reads Graphviz's structures.
///
/// Not thread-safe: call everything under the render lock.

/// Installs the hooks in the dot layout plugin, given its dlopen handle. Idempotent.
/// Returns 0 when installed; otherwise nothing is changed and begin/sweep do nothing.
int mgviz_dot_leakfix_install(void *dot_plugin);

/// Before gvLayout: starts an empty ledger. Anything left from a render that never reached
/// its sweep is forgotten (leaked as before), never freed.
void mgviz_dot_leakfix_begin(void);

/// After gvFreeLayout: frees what dot's layout left unreleased; returns how many blocks.
size_t mgviz_dot_leakfix_sweep(void);
#endif
