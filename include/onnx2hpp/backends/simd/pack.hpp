// Packed constants for the simd kernels, and the `packed<Layer>` wrapper that carries them.
//
// The fast int8 kernels read weights in an order the plain OHWI layout does not have (see
// layout.hpp), plus per-channel terms that fold the zero points in. Nothing is packed at run time:
//  * `simd::pack(layer)` is a constexpr function. Evaluated into a `static constexpr` object it
//    costs compile time, not run time: about one constant-evaluation step per packed byte
//    (g++ 12 manages a few million per second, so a 0.5 M-weight layer adds ~1 s and its storage
//    to the compiler's memory; raise -fconstexpr-ops-limit / -fconstexpr-steps past ~2^25).
//  * For big models the generator emits the same bytes as string literals and builds the view
//    directly (`gemm_pack_view{{from_bytes, w}, {from_bytes, c}}`), which compiles ~30x faster.
// `packed<Layer>` is the layer plus a view of its pack. Every backend other than simd runs it as
// the plain Layer (a forwarding kernel below), so a graph of packed layers still runs on `ref`,
// in constant expressions, and on any backend that only knows the plain layer.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "onnx2hpp/backends/dispatch.hpp"
#include "onnx2hpp/backends/simd/layout.hpp"
#include "onnx2hpp/core/constant_data.hpp"
#include "onnx2hpp/layers/conv2d.hpp"
#include "onnx2hpp/layers/dense.hpp"

namespace onnx2hpp::simd {

namespace detail {
/// The int32 with the same value modulo 2^32 (the kernels' accumulators wrap the same way, so a
/// term is exact whenever the accumulator it ends up in fits int32, as the layers require).
constexpr std::int32_t wrap_int32(std::int64_t v) {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(static_cast<std::uint64_t>(v)));
}
} // namespace detail

// ---- GEMM packs: conv2d (not depthwise) and dense
// -------------------------------------------------
//
// The packing itself is written against plain sizes (`gemm_dims`, `depthwise_dims`) and output
// pointers, so that the same code runs in a constant expression (`simd::pack(layer)`) and at
// generation time in the generator, which has the sizes as values (codegen/emit/header.cpp).

/// The matrix view of a layer as values: per group, ocg output channels × K with K = taps · icg.
struct gemm_dims {
  std::size_t groups = 1;
  std::size_t ocg = 0; ///< output channels per group
  std::size_t icg = 0; ///< input channels per group (dense: K)
  std::size_t taps = 1;

  constexpr std::size_t k() const { return taps * icg; }
  constexpr std::size_t k4() const { return ceil_div(k(), 4); }
  constexpr std::size_t blocks() const { return ceil_div(ocg, pack_block_channels); }
  constexpr std::size_t block_bytes() const { return k4() * pack_block_bytes; }
  constexpr std::size_t group_bytes() const { return blocks() * block_bytes(); }
  constexpr std::size_t weight_bytes() const { return groups * group_bytes(); }
  constexpr std::size_t group_channels() const { return blocks() * pack_block_channels; }
  constexpr std::size_t channel_terms() const { return groups * group_channels(); }
};

/// The matrix view of a layer: per group, out_channels_per_group × K with K = taps · icg.
template <class Layer>
struct gemm_shape;

template <shape_type S, conv2d_attrs A>
requires(!conv2d<S, A>::depthwise) struct gemm_shape<conv2d<S, A>> {
  static constexpr std::size_t groups = A.groups;
  static constexpr std::size_t ocg = conv2d<S, A>::out_channels_per_group;
  static constexpr std::size_t icg = conv2d<S, A>::in_channels_per_group;
  static constexpr std::size_t taps = A.kernel_h * A.kernel_w;
};
template <shape_type S, std::size_t Units, rounding_mode R>
struct gemm_shape<dense<S, Units, R>> {
  static constexpr std::size_t groups = 1;
  static constexpr std::size_t ocg = Units;
  static constexpr std::size_t icg = dense<S, Units, R>::depth;
  static constexpr std::size_t taps = 1;
};

/// Sizes of a layer's GEMM pack.
template <class Layer>
struct gemm_pack_geometry : gemm_shape<Layer> {
  using base = gemm_shape<Layer>;
  static constexpr gemm_dims dims{base::groups, base::ocg, base::icg, base::taps};
  static constexpr std::size_t k = dims.k();
  static constexpr std::size_t k4 = dims.k4();
  static constexpr std::size_t blocks = dims.blocks();
  static constexpr std::size_t block_bytes = dims.block_bytes();
  static constexpr std::size_t group_bytes = dims.group_bytes();
  static constexpr std::size_t weight_bytes = dims.weight_bytes();
  static constexpr std::size_t group_channels = dims.group_channels(); ///< padded
  static constexpr std::size_t channel_terms = dims.channel_terms();
};

/// What the GEMM kernels read. `weights`: per group, `blocks` blocks in the layout.hpp order.
/// `channel_offset[g · group_channels + c]` (c < out_channels_per_group; padding 0) is
///   bias[oc] − input_zero_point · Σ_k w[oc][k] + K · input_zero_point · weight_zero_point
/// (mod 2^32), so that with D = Σ_k w[oc][k] · x[k] and S = Σ_k x[k] over the receptive field
/// (padding holding the input zero point):
///   acc[oc] = D − weight_zero_point · S + channel_offset[oc].
struct gemm_pack_view {
  const_data<std::uint8_t> weights;
  const_data<std::int32_t> channel_offset;
};

template <class Layer>
struct gemm_pack_storage {
  using geometry = gemm_pack_geometry<Layer>;
  alignas(64) std::array<std::uint8_t, geometry::weight_bytes> weights{};
  alignas(64) std::array<std::int32_t, geometry::channel_terms> channel_offset{};
};

/// Packs GEMM weights `w` (oc · K + k, OHWI for conv) and `bias` (read only when `has_bias`) into
/// `weights` (d.weight_bytes() bytes) and `channel_offset` (d.channel_terms() values). `W` and `B`
/// are anything indexable: const_data, pointers, std::vector.
template <class W, class B>
constexpr void pack_gemm_into(const gemm_dims &d, const W &w, const B &bias, bool has_bias,
                              std::int32_t input_zero_point, std::int32_t weight_zero_point,
                              std::uint8_t *weights, std::int32_t *channel_offset) {
  const std::size_t k = d.k(), k4 = d.k4();
  for (std::size_t g = 0; g < d.groups; ++g)
    for (std::size_t b = 0; b < d.blocks(); ++b)
      for (std::size_t j = 0; j < pack_block_channels; ++j) {
        const std::size_t c = b * pack_block_channels + j;
        const bool real = c < d.ocg;
        const std::size_t oc = g * d.ocg + c;
        std::int64_t sum_w = 0;
        for (std::size_t i = 0; i < k4 * 4; ++i) {
          std::int32_t v = 0;
          if (real && i < k) {
            v = w[oc * k + i];
            sum_w += v;
          }
          weights[g * d.group_bytes() + b * d.block_bytes() + (i / 4) * pack_block_bytes + j * 4 +
                  i % 4] = static_cast<std::uint8_t>(v + 128);
        }
        std::int32_t offset = 0;
        if (real) {
          const std::int64_t bias_c = has_bias ? std::int64_t{bias[oc]} : 0;
          const std::int64_t zp = input_zero_point, wzp = weight_zero_point;
          offset =
              detail::wrap_int32(bias_c - zp * sum_w + static_cast<std::int64_t>(k) * zp * wzp);
        }
        channel_offset[g * d.group_channels() + c] = offset;
      }
}

template <class Layer>
constexpr gemm_pack_storage<Layer> pack_gemm(const Layer &l) {
  using geo = gemm_pack_geometry<Layer>;
  gemm_pack_storage<Layer> p;
  pack_gemm_into(geo::dims, l.weights, l.bias, !l.bias.empty(), l.input_zero_point,
                 l.weight_zero_point, p.weights.data(), p.channel_offset.data());
  return p;
}

// ---- depthwise packs
// -------------------------------------------------------------------------------

/// A depthwise layer as values: `channels` input channels, each with `multiplier` outputs.
struct depthwise_dims {
  std::size_t channels = 0;
  std::size_t multiplier = 1;
  std::size_t taps = 1;

  constexpr std::size_t tap_pairs() const { return ceil_div(taps, 2); }
  constexpr std::size_t padded() const { return round_up(channels, pack_block_channels); }
  constexpr std::size_t weight_count() const { return multiplier * tap_pairs() * 2 * padded(); }
  constexpr std::size_t channel_terms() const { return multiplier * padded(); }
  /// Whether the layer's geometry has a four-tap pack (layout.hpp): multiplier 1, at least two
  /// taps, channels a multiple of depthwise4_channels.
  constexpr bool four_tap() const {
    return multiplier == 1 && taps >= 2 && channels % depthwise4_channels == 0;
  }
  constexpr std::size_t four_tap_bytes() const { return four_tap() ? channels * taps : 0; }
  constexpr std::size_t four_tap_terms() const { return four_tap() ? channels : 0; }
};

template <class Layer>
struct depthwise_pack_geometry;
template <shape_type S, conv2d_attrs A>
requires(conv2d<S, A>::depthwise) struct depthwise_pack_geometry<conv2d<S, A>> {
  static constexpr std::size_t channels = A.groups; ///< input channels
  static constexpr std::size_t multiplier = conv2d<S, A>::out_channels_per_group;
  static constexpr std::size_t taps = A.kernel_h * A.kernel_w;
  static constexpr depthwise_dims dims{channels, multiplier, taps};
  static constexpr std::size_t tap_pairs = dims.tap_pairs();
  static constexpr std::size_t padded = dims.padded();
};

/// What the depthwise kernel reads, channel-minor so that a vector covers consecutive channels and
/// taps in pairs, so that one int32 lane holds the weights of taps 2p (low half) and 2p + 1:
///   weights[((j · tap_pairs + t / 2) · padded + c) · 2 + t % 2] = w[oc][t] − weight_zero_point
/// (int16; a missing last tap of an odd count is 0)
///   channel_offset[j · padded + c]      = bias[oc] − input_zero_point · Σ_t weights[..t..]
/// for input channel c, multiplier index j, oc = c · multiplier + j, tap t = ky · kernel_w + kx;
/// 0 in the padding; the offset mod 2^32. Then, with padding taps reading the input zero point,
///   acc[oc] = channel_offset + Σ_t x_t · weights_t.
/// (ONNX weight zero points are int8, so w − weight_zero_point fits int16.)
/// When dims.four_tap() and every w − weight_zero_point fits int8, also the same weights in the
/// four-tap layout of layout.hpp (`dw4_weights`, int8 as bytes; dims.four_tap_bytes()) and
///   dw4_offset[c] = channel_offset[c] − 128 · Σ_t weights[..t..]   (mod 2^32)
/// for kernels that feed the activations in as unsigned x + 128; both empty otherwise.
struct depthwise_pack_view {
  const_data<std::int16_t> weights;
  const_data<std::int32_t> channel_offset;
  const_data<std::uint8_t> dw4_weights{};
  const_data<std::int32_t> dw4_offset{};
};

template <class Layer>
struct depthwise_pack_storage {
  using geometry = depthwise_pack_geometry<Layer>;
  alignas(64) std::array<std::int16_t, geometry::dims.weight_count()> weights{};
  alignas(64) std::array<std::int32_t, geometry::dims.channel_terms()> channel_offset{};
  alignas(64) std::array<std::uint8_t, geometry::dims.four_tap_bytes()> dw4_weights{};
  alignas(64) std::array<std::int32_t, geometry::dims.four_tap_terms()> dw4_offset{};
  bool dw4 = false; ///< the four-tap part is valid
};

/// Packs depthwise weights `w` (oc · taps + t) and `bias` (read only when `has_bias`) into
/// `weights` (d.weight_count() values) and `channel_offset` (d.channel_terms() values), both of
/// which the caller zero-initialises (the padding is not written).
template <class W, class B>
constexpr void pack_depthwise_into(const depthwise_dims &d, const W &w, const B &bias,
                                   bool has_bias, std::int32_t input_zero_point,
                                   std::int32_t weight_zero_point, std::int16_t *weights,
                                   std::int32_t *channel_offset) {
  const std::size_t pairs = d.tap_pairs(), padded = d.padded();
  for (std::size_t c = 0; c < d.channels; ++c)
    for (std::size_t j = 0; j < d.multiplier; ++j) {
      const std::size_t oc = c * d.multiplier + j;
      std::int64_t sum_w = 0;
      for (std::size_t t = 0; t < d.taps; ++t) {
        const std::int32_t v = w[oc * d.taps + t] - weight_zero_point;
        weights[((j * pairs + t / 2) * padded + c) * 2 + t % 2] = static_cast<std::int16_t>(v);
        sum_w += v;
      }
      const std::int64_t bias_c = has_bias ? std::int64_t{bias[oc]} : 0;
      channel_offset[j * padded + c] =
          detail::wrap_int32(bias_c - std::int64_t{input_zero_point} * sum_w);
    }
}

/// The four-tap part of a depthwise pack: from `w` (oc · taps + t) and the `channel_offset` that
/// pack_depthwise_into wrote, `weights4` (d.four_tap_bytes() bytes, layout.hpp) and `offset4`
/// (d.four_tap_terms() values). Returns false, leaving them unspecified, when the geometry has no
/// four-tap form or some w − weight_zero_point does not fit int8.
template <class W>
constexpr bool pack_depthwise4_into(const depthwise_dims &d, const W &w,
                                    std::int32_t weight_zero_point,
                                    const std::int32_t *channel_offset, std::uint8_t *weights4,
                                    std::int32_t *offset4) {
  if (!d.four_tap())
    return false;
  constexpr std::size_t lanes = depthwise4_channels;
  const std::size_t groups = d.taps / 4, chunk_bytes = lanes * d.taps;
  for (std::size_t c = 0; c < d.channels; ++c) {
    std::uint8_t *chunk = weights4 + c / lanes * chunk_bytes;
    const std::size_t cc = c % lanes;
    std::int64_t sum = 0;
    for (std::size_t t = 0; t < d.taps; ++t) {
      const std::int32_t v = w[c * d.taps + t] - weight_zero_point;
      if (v < -128 || v > 127)
        return false;
      sum += v;
      const auto byte = static_cast<std::uint8_t>(static_cast<std::uint32_t>(v) & 0xffu);
      if (t < 4 * groups)
        chunk[(t / 4) * 4 * lanes + depthwise4_slot(cc) * 4 + t % 4] = byte;
      else
        chunk[groups * 4 * lanes + (t - 4 * groups) * lanes + cc] = byte;
    }
    offset4[c] = detail::wrap_int32(std::int64_t{channel_offset[c]} - 128 * sum);
  }
  return true;
}

template <class Layer>
constexpr depthwise_pack_storage<Layer> pack_depthwise(const Layer &l) {
  using geo = depthwise_pack_geometry<Layer>;
  depthwise_pack_storage<Layer> p;
  pack_depthwise_into(geo::dims, l.weights, l.bias, !l.bias.empty(), l.input_zero_point,
                      l.weight_zero_point, p.weights.data(), p.channel_offset.data());
  if constexpr (geo::dims.four_tap())
    p.dw4 = pack_depthwise4_into(geo::dims, l.weights, l.weight_zero_point, p.channel_offset.data(),
                                 p.dw4_weights.data(), p.dw4_offset.data());
  return p;
}

// ---- which pack a layer takes
// ------------------------------------------------------------------------

template <class Layer>
struct pack_traits;

template <class Layer>
requires requires {
  gemm_shape<Layer>::groups;
}
struct pack_traits<Layer> {
  using storage = gemm_pack_storage<Layer>;
  using view = gemm_pack_view;
  static constexpr storage make(const Layer &l) { return pack_gemm(l); }
  static constexpr view view_of(const storage &s) { return {s.weights, s.channel_offset}; }
};
template <class Layer>
requires requires {
  depthwise_pack_geometry<Layer>::channels;
}
struct pack_traits<Layer> {
  using storage = depthwise_pack_storage<Layer>;
  using view = depthwise_pack_view;
  static constexpr storage make(const Layer &l) { return pack_depthwise(l); }
  static constexpr view view_of(const storage &s) {
    if (!s.dw4)
      return {s.weights, s.channel_offset};
    return {s.weights, s.channel_offset, s.dw4_weights, s.dw4_offset};
  }
};

template <class Layer>
concept packable = requires {
  typename pack_traits<Layer>::storage;
};

/// The pack of `layer`, computed in a constant expression when assigned to a constexpr object:
///   static constexpr auto conv0_pack = simd::pack(conv0);
template <packable Layer>
constexpr typename pack_traits<Layer>::storage pack(const Layer &layer) {
  return pack_traits<Layer>::make(layer);
}

/// A layer together with a view of its simd pack. Built from a pack with static storage
/// (`packed{conv0, conv0_pack}`) or from a view of generator-emitted bytes.
template <packable Layer>
struct packed : Layer {
  using unpacked_layer = Layer;
  using view_type = typename pack_traits<Layer>::view;
  using storage_type = typename pack_traits<Layer>::storage;

  view_type pack{};

  constexpr packed() = default;
  constexpr packed(const Layer &layer, const storage_type &storage)
      : Layer(layer), pack(pack_traits<Layer>::view_of(storage)) {}
  constexpr packed(const Layer &layer, const storage_type &&) = delete; // would dangle
  constexpr packed(const Layer &layer, const view_type &view) : Layer(layer), pack(view) {}

  constexpr const Layer &layer() const { return *this; }
};
template <class Layer, class Pack>
packed(const Layer &, const Pack &) -> packed<Layer>;

} // namespace onnx2hpp::simd

namespace onnx2hpp {

/// Any backend without its own kernel for a packed layer runs the plain layer.
template <class Backend, class Layer>
struct kernel<Backend, simd::packed<Layer>> {
  static constexpr void run(const simd::packed<Layer> &l,
                            const std::array<const std::int8_t *, Layer::n_inputs> &in,
                            std::int8_t *out) {
    execute<Backend>(l.layer(), in, out);
  }
};

} // namespace onnx2hpp
