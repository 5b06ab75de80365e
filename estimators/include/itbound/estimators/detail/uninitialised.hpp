#pragma once
// An allocator whose resize() leaves new elements of trivial types uninitialised: for buffers written in full
// before they are read (no zeroing pass, no page touched twice).
#include <memory>
#include <new>
#include <utility>

namespace itbound::estimators::detail {

template <class T>
struct Uninitialised : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = Uninitialised<U>;
  };
  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... A>
  void construct(U* p, A&&... a) {
    ::new (static_cast<void*>(p)) U(std::forward<A>(a)...);
  }
};

}  // namespace itbound::estimators::detail
