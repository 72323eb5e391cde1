#include "lower/onnxruntime_unary.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

// Built with -ffp-contract=off (codegen/CMakeLists.txt): a * b + c below is two roundings, as in
// onnxruntime's Eigen kernels; the fused ones are spelled std::fma.

namespace onnx2hpp::codegen::lower {

namespace {

/// The correctly rounded fp32 value of a function computed in double (libm): within the last
/// bit of what onnxruntime's libm/Eigen kernels return, which is what the exhaustive comparison
/// with onnxruntime checks.
float to_fp32(double y) {
  return static_cast<float>(y);
}

/// Horner's scheme in x2 over `c` (highest degree first), each step one fused multiply-add, as
/// MLAS' kernels evaluate their polynomials.
template <std::size_t N>
float fused_horner(const float (&c)[N], float x2) {
  float r = c[0];
  for (std::size_t i = 1; i < N; ++i)
    r = std::fma(r, x2, c[i]);
  return r;
}

/// MLAS' tanh (onnxruntime/core/mlas/lib/tanh.cpp, the rational approximation it shares with
/// Eigen): x clamped to [-9, 9], p(x) / q(x) with p odd of degree 13 and q even of degree 6,
/// Horner steps as fused multiply-adds (the FMA3 kernel x86-64 runs, and Arm64's NEON one).
float mlas_tanh(float x) {
  constexpr float alpha[] = {-2.76076847742355e-16f, 2.00018790482477e-13f, -8.60467152213735e-11f,
                             5.12229709037114e-08f,  1.48572235717979e-05f, 6.37261928875436e-04f,
                             4.89352455891786e-03f};
  constexpr float beta[] = {1.19825839466702e-06f, 1.18534705686654e-04f, 2.26843463243900e-03f,
                            4.89352518554385e-03f};
  if (!(x == x))
    return x;
  x = std::clamp(x, -9.0f, 9.0f);
  const float x2 = x * x;
  const float p = fused_horner(alpha, x2) * x;
  const float q = fused_horner(beta, x2);
  return p / q;
}

/// MLAS' logistic (onnxruntime/core/mlas/lib/logistic.cpp), which QLinearSigmoid builds its
/// table with and the float Sigmoid kernel calls: x clamped to [-18, 18], p(x) / q(x) + 1/2
/// clamped to [0, 1], p odd of degree 9 and q even of degree 10, Horner steps fused as above.
float mlas_logistic(float x) {
  constexpr float alpha[] = {4.37031012579801e-11f, 1.15627324459942e-07f, 6.08574864600143e-05f,
                             8.51377133304701e-03f, 2.48287947061529e-01f};
  constexpr float beta[] = {6.10247389755681e-13f, 5.76102136993427e-09f, 6.29106785017040e-06f,
                            1.70198817374094e-03f, 1.16817656904453e-01f, 9.93151921023180e-01f};
  if (!(x == x))
    return x;
  x = std::clamp(x, -18.0f, 18.0f);
  const float x2 = x * x;
  const float p = fused_horner(alpha, x2) * x;
  const float q = fused_horner(beta, x2);
  return std::clamp(p / q + 0.5f, 0.0f, 1.0f);
}

} // namespace

float onnxruntime_unary(const ir::activation &a, float x) {
  using k = ir::activation_kind;
  const auto alpha = static_cast<float>(a.alpha); // ONNX attributes are fp32
  const double xd = x;
  switch (a.kind) {
  case k::relu:
    return x > 0.0f ? x : 0.0f;
  case k::clip: // min(max(x, min), max): max everywhere when min > max
    return std::min(std::max(x, static_cast<float>(a.min)), static_cast<float>(a.max));
  case k::leaky_relu: // QLinearLeakyRelu's table and the float kernel: x >= 0 ? x : alpha * x
    return x >= 0.0f ? x : alpha * x;
  case k::hard_swish: { // the ONNX function: x * HardSigmoid(x, alpha = 1/6, beta = 0.5)
    const float gate = std::min(std::max((1.0f / 6.0f) * x + 0.5f, 0.0f), 1.0f);
    return x * gate;
  }
  case k::hard_sigmoid: // Eigen: max(0, min(1, alpha * x + beta)), two fp32 roundings
    return std::max(std::min(alpha * x + static_cast<float>(a.beta), 1.0f), 0.0f);
  case k::sigmoid:
    return mlas_logistic(x);
  case k::tanh:
    return mlas_tanh(x);
  case k::elu:
    return x >= 0.0f ? x : to_fp32(static_cast<double>(alpha) * std::expm1(xd));
  case k::selu: {
    const double gamma = static_cast<float>(a.gamma);
    return to_fp32(x > 0.0f ? gamma * xd : gamma * static_cast<double>(alpha) * std::expm1(xd));
  }
  case k::celu: // max(0, x) + min(0, alpha * (exp(x / alpha) - 1))
    return to_fp32(
        std::max(0.0, xd) +
        std::min(0.0, static_cast<double>(alpha) * std::expm1(xd / static_cast<double>(alpha))));
  case k::softplus: // log(exp(x) + 1)
    return to_fp32(xd > 30.0 ? xd + std::log1p(std::exp(-xd)) : std::log1p(std::exp(xd)));
  case k::softsign: // fp32: x / (1 + |x|)
    return x / (1.0f + std::fabs(x));
  case k::erf:
    return to_fp32(std::erf(xd));
  case k::exp:
    return to_fp32(std::exp(xd));
  case k::log: // log(0) = -inf, log(x < 0) = NaN
    return to_fp32(std::log(xd));
  case k::sqrt: // correctly rounded in fp32 (IEEE); NaN below 0
    return std::sqrt(x);
  case k::reciprocal: // 1 / 0 = inf
    return 1.0f / x;
  case k::abs:
    return std::fabs(x);
  case k::neg:
    return -x;
  case k::thresholded_relu:
    return x > alpha ? x : 0.0f;
  case k::mish: { // x * tanh(softplus(x))
    const double sp = xd > 30.0 ? xd : std::log1p(std::exp(xd));
    return to_fp32(xd * std::tanh(sp));
  }
  case k::gelu:
    if (a.tanh_gelu) { // 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))
      const double inner = std::sqrt(2.0 / 3.14159265358979323846) * (xd + 0.044715 * xd * xd * xd);
      return to_fp32(0.5 * xd * (1.0 + std::tanh(inner)));
    }
    return to_fp32(0.5 * xd * (1.0 + std::erf(xd / std::sqrt(2.0))));
  }
  return x;
}

std::int8_t onnxruntime_quantize(float x, float scale, std::int32_t zero_point) {
  const float lo = static_cast<float>(-128 - zero_point);
  const float hi = static_cast<float>(127 - zero_point);
  float v = x / scale;
  v = v == v ? std::min(std::max(v, lo), hi) : lo; // maxps(NaN, lo) is lo
  return static_cast<std::int8_t>(static_cast<std::int32_t>(std::nearbyint(v)) + zero_point);
}

std::array<std::int8_t, 256> unary_table(const ir::activation &a, const ir::quantization &in,
                                         const ir::quantization &out) {
  std::array<std::int8_t, 256> table{};
  for (int i = 0; i < 256; ++i) {
    const float x = static_cast<float>(i - 128 - in.zero_point_at(0)) * in.scale_at(0);
    table[static_cast<std::size_t>(i)] =
        onnxruntime_quantize(onnxruntime_unary(a, x), out.scale_at(0), out.zero_point_at(0));
  }
  return table;
}

} // namespace onnx2hpp::codegen::lower
