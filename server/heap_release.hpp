// Giving freed memory back to the system: allocator settings at start and a periodic trim.
#pragma once

namespace xiaozhi::server {

// Fixes glibc malloc's mmap threshold at 64 KiB, so buffers the size of a large
// WebSocket message are mapped and unmapped instead of raising the threshold and
// staying in the heap after their session ends. Call once, before the threads start.
void tune_allocator();

// Returns the heap's free pages to the system (malloc_trim); cheap when little is free.
void release_free_heap();

}  // namespace xiaozhi::server
