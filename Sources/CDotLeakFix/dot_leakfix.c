#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "dot_leakfix.h"
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
// Installed under /usr/include/graphviz; its own includes are relative to that folder.
#include <graphviz/gvc.h>

// ---- The ledger: a set of pointers (open addressing, linear probing, backward-shift delete).

static void **slots;
static size_t capacity, count;

static size_t slot_of(const void *p) {
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33; x *= 0xff51afd7ed558ccdULL; x ^= x >> 33;
    return (size_t)x & (capacity - 1);
}

static void insert(void *p);

/// Doubles the table; on failure keeps the old one (then new blocks go untracked: they
/// leak as they did before, they are never freed twice).
static int grow(void) {
    size_t old_capacity = capacity, new_capacity = capacity ? capacity * 2 : 4096;
    void **old = slots, **fresh = calloc(new_capacity, sizeof(void *));
    if (!fresh) return 0;
    slots = fresh; capacity = new_capacity; count = 0;
    for (size_t i = 0; i < old_capacity; i++) if (old[i]) insert(old[i]);
    free(old);
    return 1;
}

static void insert(void *p) {
    if (!p) return;
    if ((count + 1) * 2 > capacity && !grow()) return;
    size_t i = slot_of(p);
    while (slots[i]) {
        if (slots[i] == p) return;
        i = (i + 1) & (capacity - 1);
    }
    slots[i] = p;
    count++;
}

/// Removes p if it is there; returns whether it was.
static int erase(const void *p) {
    if (!p || count == 0) return 0;
    size_t mask = capacity - 1, i = slot_of(p);
    while (slots[i] != p) {
        if (!slots[i]) return 0;
        i = (i + 1) & mask;
    }
    slots[i] = NULL;
    count--;
    // Shift back the rest of the run so that every entry stays reachable from its home slot.
    for (size_t j = (i + 1) & mask; slots[j]; j = (j + 1) & mask) {
        size_t home = slot_of(slots[j]);
        if (((j - home) & mask) >= ((j - i) & mask)) {
            slots[i] = slots[j];
            slots[j] = NULL;
            i = j;
        }
    }
    return 1;
}

// ---- The hooks, called from inside the dot plugin only.

static edge_t *(*real_new_virtual_edge)(node_t *, node_t *, edge_t *);
static edge_t *(*real_make_aux_edge)(node_t *, node_t *, double, int);
static node_t *(*real_named_virtual_node)(graph_t *, char *);
static void *(*real_grealloc)(void *, size_t);
static int installed, recording;

static edge_t *hook_new_virtual_edge(node_t *u, node_t *v, edge_t *orig) {
    edge_t *e = real_new_virtual_edge(u, v, orig);
    // The edge pair (e is its first member) and its Agedgeinfo_t, both from zmalloc.
    if (recording && e) { insert(e); insert(AGDATA(e)); }
    return e;
}

static edge_t *hook_make_aux_edge(node_t *u, node_t *v, double len, int wt) {
    edge_t *e = real_make_aux_edge(u, v, len, wt);
    if (recording && e) { insert(e); insert(AGDATA(e)); }
    return e;
}

static node_t *hook_named_virtual_node(graph_t *g, char *s) {
    node_t *n = real_named_virtual_node(g, s);
    // The node, its Agnodeinfo_t and the two edge lists alloc_elist made for it.
    if (recording && n) { insert(n); insert(AGDATA(n)); insert(ND_in(n).list); insert(ND_out(n).list); }
    return n;
}

/// elist_append grows lists with grealloc: a tracked list moves to its new address.
static void *hook_grealloc(void *p, size_t size) {
    int tracked = erase(p);
    void *q = real_grealloc(p, size);  // grealloc exits the process rather than return NULL
    if (tracked) insert(q);
    return q;
}

/// Every free() the plugin makes: what dot releases itself leaves the ledger.
static void hook_free(void *p) {
    erase(p);
    free(p);
}

/// Points the PLT slot (R_X86_64_JUMP_SLOT) of `name` in `map`'s object at `hook`.
static int patch(const struct link_map *map, const char *name, void *hook) {
    ElfW(Addr) base = map->l_addr;
    const ElfW(Sym) *symbols = NULL;
    const char *strings = NULL;
    const ElfW(Rela) *relocations = NULL;
    size_t size = 0;
    for (const ElfW(Dyn) *d = map->l_ld; d->d_tag != DT_NULL; d++) {
        ElfW(Addr) address = d->d_un.d_ptr < base ? d->d_un.d_ptr + base : d->d_un.d_ptr;
        switch (d->d_tag) {
        case DT_SYMTAB: symbols = (const ElfW(Sym) *)address; break;
        case DT_STRTAB: strings = (const char *)address; break;
        case DT_JMPREL: relocations = (const ElfW(Rela) *)address; break;
        case DT_PLTRELSZ: size = d->d_un.d_val; break;
        default: break;
        }
    }
    if (!symbols || !strings || !relocations) return -1;
    long page = sysconf(_SC_PAGESIZE);
    int found = 0;
    for (size_t i = 0; i < size / sizeof(ElfW(Rela)); i++) {
        const ElfW(Rela) *r = &relocations[i];
        if (ELF64_R_TYPE(r->r_info) != R_X86_64_JUMP_SLOT) continue;
        if (strcmp(strings + symbols[ELF64_R_SYM(r->r_info)].st_name, name) != 0) continue;
        void **slot = (void **)(base + r->r_offset);
        void *start = (void *)((uintptr_t)slot & ~(uintptr_t)(page - 1));
        if (mprotect(start, (size_t)page, PROT_READ | PROT_WRITE) != 0) return -1;
        *slot = hook;
        found = 1;
    }
    return found ? 0 : -1;
}

int mgviz_dot_leakfix_install(void *dot_plugin) {
#if defined(__x86_64__) && defined(__linux__)
    if (installed) return 0;
    struct link_map *map = NULL;
    if (!dot_plugin || dlinfo(dot_plugin, RTLD_DI_LINKMAP, &map) != 0 || !map) return -1;
    void *nve = dlsym(dot_plugin, "new_virtual_edge"), *mae = dlsym(dot_plugin, "make_aux_edge");
    void *nvn = dlsym(dot_plugin, "named_virtual_node"), *grl = dlsym(dot_plugin, "grealloc");
    if (!nve || !mae || !nvn || !grl) return -1;
    real_new_virtual_edge = (edge_t * (*)(node_t *, node_t *, edge_t *)) nve;
    real_make_aux_edge = (edge_t * (*)(node_t *, node_t *, double, int)) mae;
    real_named_virtual_node = (node_t * (*)(graph_t *, char *)) nvn;
    real_grealloc = (void *(*)(void *, size_t))grl;
    // The releases first, so that nothing is ever recorded whose release would go unseen. If
    // a later one fails, recording stays off and the hooks in place only pass calls through.
    if (patch(map, "free", (void *)hook_free) != 0 || patch(map, "grealloc", (void *)hook_grealloc) != 0) return -1;
    if (patch(map, "new_virtual_edge", (void *)hook_new_virtual_edge) != 0 ||
        patch(map, "make_aux_edge", (void *)hook_make_aux_edge) != 0 ||
        patch(map, "named_virtual_node", (void *)hook_named_virtual_node) != 0)
        return -1;
    installed = 1;
    return 0;
#else
    (void)dot_plugin;
    return -1;
#endif
}

void mgviz_dot_leakfix_begin(void) {
    if (!installed) return;
    if (slots) memset(slots, 0, capacity * sizeof(void *));
    count = 0;
    recording = 1;
}

size_t mgviz_dot_leakfix_sweep(void) {
    size_t freed = 0;
    recording = 0;
    for (size_t i = 0; i < capacity; i++) {
        if (slots[i]) { free(slots[i]); slots[i] = NULL; freed++; }
    }
    count = 0;
    return freed;
}
