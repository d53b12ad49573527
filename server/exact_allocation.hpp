// Handlers of long waits whose operations are allocated exactly, not from Asio's recycled blocks.
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace xiaozhi::server {

// Plain operator new and delete, as an allocator Asio uses as it is.
template <typename T>
struct ExactAllocator {
    using value_type = T;

    ExactAllocator() = default;
    template <typename U>
    ExactAllocator(const ExactAllocator<U>&) noexcept {}

    T* allocate(std::size_t count) { return static_cast<T*>(::operator new(count * sizeof(T))); }
    void deallocate(T* pointer, std::size_t) noexcept { ::operator delete(pointer); }

    template <typename U>
    bool operator==(const ExactAllocator<U>&) const noexcept {
        return true;
    }
};

// A handler whose operation (Asio's, and that of a Beast operation wrapping it) gets a
// block of exactly its size. Asio otherwise hands an operation the block its thread freed
// last if that is big enough, often a write's 600 bytes; fine for operations that end
// soon, wasteful for an idle session's read, which waits for minutes.
template <typename Handler>
class ExactlyAllocated {
  public:
    using allocator_type = ExactAllocator<void>;

    explicit ExactlyAllocated(Handler handler) : handler_(std::move(handler)) {}

    allocator_type get_allocator() const noexcept { return {}; }

    template <typename... Args>
    void operator()(Args&&... args) {
        handler_(std::forward<Args>(args)...);
    }

  private:
    Handler handler_;
};

template <typename Handler>
ExactlyAllocated<std::decay_t<Handler>> exactly_allocated(Handler&& handler) {
    return ExactlyAllocated<std::decay_t<Handler>>(std::forward<Handler>(handler));
}

}  // namespace xiaozhi::server
