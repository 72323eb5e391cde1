#include "emit/simd_pack.hpp"

#include "emit/cpp_text.hpp"

namespace onnx2hpp::codegen::emit {

namespace {

/// The pack's constants (into `data`) and its checks and `<name>_packed` wrapper (returned).
/// extra_data: more constants of the pack; extra_view: more initialisers of the view.
std::string pack_code(context &c, std::string &data, const std::string &name,
                      const std::string &kind, const std::string &what,
                      const std::vector<std::uint8_t> &weights,
                      const std::vector<std::int32_t> &offsets, const std::string &extra_data = "",
                      const std::string &extra_view = "") {
  c.packed.insert(name);
  data += fmt::format(
      "/// {0} for backends::simd (backends/simd/pack.hpp): weights packed as\n"
      "/// {1}; bias and zero-point terms per channel.\n"
      "alignas(64) inline constexpr char {0}_pack_weights[] =\n    {2};\n"
      "alignas(64) inline constexpr std::array<std::int32_t, {3}> {0}_pack_offsets{{\n    "
      "{4}}};\n{5}",
      name, what, byte_string_literal(weights), offsets.size(), wrapped_list(offsets, "    "),
      extra_data);
  return wrap_code(
      fmt::format("static_assert(sizeof({0}_pack_weights) - 1 ==\n"
                  "    sizeof(onnx2hpp::simd::packed<{0}_t>::storage_type::weights));\n"
                  "static_assert(sizeof({0}_pack_offsets) ==\n"
                  "    sizeof(onnx2hpp::simd::packed<{0}_t>::storage_type::channel_offset));\n"
                  "inline constexpr onnx2hpp::simd::packed<{0}_t> {0}_packed{{{0}, "
                  "onnx2hpp::simd::{1}_pack_view{{{{onnx2hpp::from_bytes, {0}_pack_weights}}, "
                  "{0}_pack_offsets{2}}}}};\n",
                  name, kind, extra_view));
}

} // namespace

std::string gemm_pack(context &c, std::string &data, const std::string &name,
                      const lower::accumulating_layer &l, const onnx2hpp::simd::gemm_dims &d) {
  if (!c.options.simd_packs)
    return "";
  std::vector<std::uint8_t> weights(d.weight_bytes());
  std::vector<std::int32_t> offsets(d.channel_terms());
  onnx2hpp::simd::pack_gemm_into(d, l.weights, l.bias, !l.bias.empty(), l.input_zero_point,
                                 l.weight_zero_point, weights.data(), offsets.data());
  return pack_code(c, data, name, "gemm", "16-channel blocks of 4-k groups, u8(w + 128)", weights,
                   offsets);
}

std::string depthwise_pack(context &c, std::string &data, const std::string &name,
                           const lower::accumulating_layer &l,
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
  std::string extra_data, extra_view, checks;
  if (onnx2hpp::simd::pack_depthwise4_into(d, l.weights, l.weight_zero_point, offsets.data(),
                                           weights4.data(), offsets4.data())) {
    extra_data = fmt::format(
        "alignas(64) inline constexpr char {0}_pack_dw4_weights[] =\n    {1};\n"
        "alignas(64) inline constexpr std::array<std::int32_t, {2}> {0}_pack_dw4_offsets{{\n    "
        "{3}}};\n",
        name, byte_string_literal(weights4), offsets4.size(), wrapped_list(offsets4, "    "));
    checks = wrap_code(
        fmt::format("static_assert(sizeof({0}_pack_dw4_weights) - 1 ==\n"
                    "    sizeof(onnx2hpp::simd::packed<{0}_t>::storage_type::dw4_weights));\n",
                    name));
    extra_view = fmt::format(", {{onnx2hpp::from_bytes, {0}_pack_dw4_weights}}, "
                             "{0}_pack_dw4_offsets",
                             name);
  }
  return checks +
         pack_code(c, data, name, "depthwise",
                   "channel-minor tap pairs, int16 w - weight_zero_point" +
                       std::string(extra_view.empty() ? "" : ", and four-tap groups of int8"),
                   little_endian_bytes(weights), offsets, extra_data, extra_view);
}

} // namespace onnx2hpp::codegen::emit
