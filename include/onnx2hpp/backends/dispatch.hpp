// Kernel lookup per (backend, layer).
//
// A backend provides `template <> struct kernel<Backend, Layer>` specializations with
//   static void run(const Layer&, const std::array<const std::int8_t*, Layer::n_inputs>& in,
//                   std::int8_t* out);
// for the layers it accelerates. A backend type may name a `fallback` backend; the chain ends at
// `backends::ref`, the scalar semantic definition, which implements every layer. Adding a backend
// never edits a layer or the graph.
#pragma once

#include <array>
#include <cstdint>
#include <type_traits>

namespace onnx2hpp {

template <class Backend, class Layer>
struct kernel; // specialized by each backend, one file per layer family

namespace backends {
/// The reference backend: plain loops, constexpr, the definition of the arithmetic.
struct ref {};
} // namespace backends

template <class Backend, class Layer>
concept has_kernel = requires(const Layer &layer,
                              const std::array<const std::int8_t *, Layer::n_inputs> &in,
                              std::int8_t *out) {
  kernel<Backend, Layer>::run(layer, in, out);
};

template <class Backend>
concept has_fallback = requires {
  typename Backend::fallback;
};

namespace detail {
template <class Backend, class Layer>
consteval auto pick_backend() {
  if constexpr (has_kernel<Backend, Layer> || std::is_same_v<Backend, backends::ref>)
    return std::type_identity<Backend>{};
  else if constexpr (has_fallback<Backend>)
    return pick_backend<typename Backend::fallback, Layer>();
  else
    return std::type_identity<backends::ref>{};
}
} // namespace detail

/// The backend that actually runs `Layer` when `Backend` is requested.
template <class Backend, class Layer>
using resolve_backend_t = typename decltype(detail::pick_backend<Backend, Layer>())::type;

/// Runs `layer` with the kernel of `Backend`, or of its fallback chain, ending at `ref`.
template <class Backend, class Layer>
constexpr void execute(const Layer &layer,
                       const std::array<const std::int8_t *, Layer::n_inputs> &in,
                       std::int8_t *out) {
  using chosen = resolve_backend_t<Backend, Layer>;
  static_assert(has_kernel<chosen, Layer>,
                "no kernel for this layer: include its backends/ref/<layer>.hpp");
  kernel<chosen, Layer>::run(layer, in, out);
}

} // namespace onnx2hpp
