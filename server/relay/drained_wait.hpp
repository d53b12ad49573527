// async_wait_drained: a wait for readability that costs no system call once a short read drained the socket.
#pragma once

#include <boost/asio/socket_base.hpp>
#include <boost/version.hpp>

#include "connection_types.hpp"

#if BOOST_VERSION / 100 == 1074 && defined(__linux__)
#include <boost/asio/detail/epoll_reactor.hpp>
#include <boost/asio/detail/fenced_block.hpp>
#include <boost/asio/detail/handler_alloc_helpers.hpp>
#include <boost/asio/detail/handler_work.hpp>
#include <boost/asio/detail/reactor_op.hpp>
#define XIAOZHI_DRAINED_WAIT 1
#endif

namespace xiaozhi::server {

#ifdef XIAOZHI_DRAINED_WAIT

namespace drained_wait_detail {

namespace detail = boost::asio::detail;

// Asio 1.74's own wait (reactive_wait_op) with one difference: it reports the descriptor
// exhausted, so the reactor stops trying operations speculatively until epoll reports the
// next edge. Asio's async_wait re-arms the descriptor with epoll_ctl at every wait instead,
// and its async_read_some tries a recv that finds the socket empty first: one system call
// per message either way, which nginx does not make.
template <typename Handler, typename IoExecutor>
class DrainedWaitOp : public detail::reactor_op {
  public:
    BOOST_ASIO_DEFINE_HANDLER_PTR(DrainedWaitOp);

    DrainedWaitOp(Handler& handler, const IoExecutor& io_ex)
        : detail::reactor_op(boost::system::error_code(), &DrainedWaitOp::do_perform,
                             &DrainedWaitOp::do_complete),
          handler_(std::move(handler)),
          work_(handler_, io_ex) {}

    static status do_perform(detail::reactor_op*) { return done_and_exhausted; }

    static void do_complete(void* owner, detail::operation* base,
                            const boost::system::error_code&, std::size_t) {
        auto* o = static_cast<DrainedWaitOp*>(base);
        ptr p = {std::addressof(o->handler_), o, o};
        detail::handler_work<Handler, IoExecutor> w(std::move(o->work_));
        detail::binder1<Handler, boost::system::error_code> handler(o->handler_, o->ec_);
        p.h = std::addressof(handler.handler_);
        p.reset();
        if (owner) {
            detail::fenced_block b(detail::fenced_block::half);
            w.complete(handler, handler.handler_);
        }
    }

  private:
    Handler handler_;
    detail::handler_work<Handler, IoExecutor> work_;
};

// The socket's reactor state, which Asio keeps protected in basic_socket.
struct SocketAccess : ConnectionSocket {
    static auto& implementation(ConnectionSocket& socket) {
        return (socket.*(&SocketAccess::impl_)).get_implementation();
    }
};

}  // namespace drained_wait_detail

// Calls `handler(error_code)` once `socket` may be readable: at once when epoll reported an
// edge since the last such wait (or the socket is new), otherwise at the next edge. The
// caller must then read until a read returns less than its buffer (or would block), as with
// any edge-triggered wait. `socket` must be in non-blocking mode (non_blocking(true)).
template <typename Handler>
void async_wait_drained(ConnectionSocket& socket, Handler handler) {
    namespace detail = boost::asio::detail;
    using Op = drained_wait_detail::DrainedWaitOp<Handler, ConnectionExecutor>;
    auto& impl = drained_wait_detail::SocketAccess::implementation(socket);
    auto& reactor = boost::asio::use_service<detail::epoll_reactor>(socket.get_executor().context());
    typename Op::ptr p = {std::addressof(handler), Op::ptr::allocate(handler), nullptr};
    p.p = new (p.v) Op(handler, socket.get_executor());
    reactor.start_op(detail::epoll_reactor::read_op, impl.socket_, impl.reactor_data_, p.p, false,
                     true);
    p.v = p.p = nullptr;
}

#else

// Without Asio 1.74's epoll reactor: Asio's own wait.
template <typename Handler>
void async_wait_drained(ConnectionSocket& socket, Handler handler) {
    socket.async_wait(boost::asio::socket_base::wait_read, std::move(handler));
}

#endif

}  // namespace xiaozhi::server
