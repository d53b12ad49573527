// tune_allocator and release_free_heap on glibc's malloc.
#include "heap_release.hpp"

#include <malloc.h>

namespace xiaozhi::server {

void tune_allocator() {
    mallopt(M_MMAP_THRESHOLD, 64 * 1024);
    mallopt(M_TRIM_THRESHOLD, 1024 * 1024);
}

void release_free_heap() {
    malloc_trim(0);
}

}  // namespace xiaozhi::server
