#ifndef MGVIZ_CCMARK_SHIM_H
#define MGVIZ_CCMARK_SHIM_H
// CommonMark's reference parser (libcmark-dev), which finds a Markdown document's mgviz blocks.
#include <cmark.h>
#endif
