#ifndef MGVIZ_CGRAPHVIZ_SHIM_H
#define MGVIZ_CGRAPHVIZ_SHIM_H
// pkg-config's cflags put /usr/include/graphviz on the include path.
#include <gvc.h>
#include <cgraph.h>
#endif
