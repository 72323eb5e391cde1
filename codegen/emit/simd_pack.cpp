#include "emit/simd_pack.hpp"

#include "emit/cpp_text.hpp"

namespace onnx2hpp::codegen::emit {

namespace {

/// extra_decls: more constants of the pack; extra_view: more initialisers of the view.
std::string pack_code(context &c, const std::string &name, const std::string &kind,
                      const std::string &what, const std::vector<std::uint8_t> &weights,
                      const std::vector<std::int32_t> &offsets, const std::string &extra_decls = "",
                      const std::string &extra_view = "") {
  c.packed.insert(name);
  return fmt::format(
      "/// {0} for backends::simd: weights packed as {2} (onnx2hpp/backends/simd/pack.hpp),\n"
      "/// bias and zero-point terms per channel. Other backends run {0} itself.\n"
      "alignas(64) inline constexpr char {0}_pack_weights[] =\n    {3};\n"
      "alignas(64) inline constexpr std::array<std::int32_t, {4}> {0}_pack_offsets{{\n    "
      "{5}}};\n"
      "static_assert(sizeof({0}_pack_weights) - 1 ==\n"
      "                  sizeof(onnx2hpp::simd::packed<{0}_t>::storage_type::weights) &&\n"
      "              sizeof({0}_pack_offsets) ==\n"
      "                  sizeof(onnx2hpp::simd::packed<{0}_t>::storage_type::channel_offset));\n"
      "{6}"
      "inline constexpr onnx2hpp::simd::packed<{0}_t> {0}_packed{{\n"
      "    {0}, onnx2hpp::simd::{1}_pack_view{{{{onnx2hpp::from_bytes, {0}_pack_weights}}, "
      "{0}_pack_offsets{7}}}}};\n",
      name, kind, what, byte_string_literal(weights), offsets.size(), wrapped_list(offsets, "    "),
      extra_decls, extra_view);
}

} // namespace

std::string gemm_pack(context &c, const std::string &name, const lower::accumulating_layer &l,
                      const onnx2hpp::simd::gemm_dims &d) {
  if (!c.options.simd_packs)
    return "";
  std::vector<std::uint8_t> weights(d.weight_bytes());
  std::vector<std::int32_t> offsets(d.channel_terms());
  onnx2hpp::simd::pack_gemm_into(d, l.weights, l.bias, !l.bias.empty(), l.input_zero_point,
                                 l.weight_zero_point, weights.data(), offsets.data());
  return pack_code(c, name, "gemm", "16-channel blocks of 4-k groups, u8(w + 128)", weights,
                   offsets);
}

std::string depthwise_pack(context &c, const std::string &name, const lower::accumulating_layer &l,
                           const onnx2hpp::simd::depthwise_dims &d) {
  if (!c.options.simd_packs)
    return "";
  std::vector<std::int16_t> weights(d.weight_count());
  std::vector<std::int32_t> offsets(d.channel_terms());
  onnx2hpp::simd::pack_depthwise_into(d, l.weights, l.bias, !l.bias.empty(), l.input_zero_point,
                                      l.weight_zero_point, weights.data(), offsets.data());
  // The four-tap part (layout.hpp), when the geometry has one and every weight fits int8.
  std::vector<std::uint8_t> weights4(d.four_tap_bytes());
  std::vector<std::int32_t> offsets4(d.four_tap_terms());
  std::string extra_decls, extra_view;
  if (onnx2hpp::simd::pack_depthwise4_into(d, l.weights, l.weight_zero_point, offsets.data(),
                                           weights4.data(), offsets4.data())) {
    extra_decls = fmt::format(
        "alignas(64) inline constexpr char {0}_pack_dw4_weights[] =\n    {1};\n"
        "alignas(64) inline constexpr std::array<std::int32_t, {2}> {0}_pack_dw4_offsets{{\n    "
        "{3}}};\n"
        "static_assert(sizeof({0}_pack_dw4_weights) - 1 ==\n"
        "              sizeof(onnx2hpp::simd::packed<{0}_t>::storage_type::dw4_weights));\n",
        name, byte_string_literal(weights4), offsets4.size(), wrapped_list(offsets4, "    "));
    extra_view = fmt::format(",\n    {{onnx2hpp::from_bytes, {0}_pack_dw4_weights}}, "
                             "{0}_pack_dw4_offsets",
                             name);
  }
  return pack_code(c, name, "depthwise",
                   "channel-minor tap pairs, int16 w - weight_zero_point" +
                       std::string(extra_view.empty() ? "" : ", and four-tap groups of int8"),
                   little_endian_bytes(weights), offsets, extra_decls, extra_view);
}

} // namespace onnx2hpp::codegen::emit
