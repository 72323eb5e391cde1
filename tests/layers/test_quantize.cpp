#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "../support/random.hpp"
#include "onnx2hpp/layers/quantize.hpp"

using namespace onnx2hpp;

namespace {

// Compile time: quantize, then dequantize.
constexpr std::array<float, 3> compile_time_roundtrip = [] {
  const std::array<float, 3> x{0.25f, 0.75f, -3.f};
  std::array<std::int8_t, 3> q{};
  std::array<float, 3> back{};
  quantize(x.data(), 3, 0.5f, 1, q.data());
  dequantize(q.data(), 3, 0.5f, 1, back.data());
  return back;
}();
// 0.25/0.5 = 0.5 -> 0 (tie to even) +1 = 1 -> 0; 0.75 -> 1.5 -> 2 -> 3 -> 1.0; −3 -> −6 -> −5 ->
// −3.
static_assert(compile_time_roundtrip == std::array<float, 3>{0.f, 1.f, -3.f});

} // namespace

TEST_SUITE("layers") {

  TEST_CASE("quantize/dequantize: ONNX semantics by hand") {
    // Scale 0.5, zp 1: x/0.5 rounded half to even, + 1, saturated.
    //  0.25 -> 0.5 -> 0 -> 1;  0.75 -> 1.5 -> 2 -> 3;  −0.25 -> −0.5 -> −0 -> 1;
    //  −0.75 -> −1.5 -> −2 -> −1;  100 -> 201 -> 127;  −100 -> −199 -> −128;  1.2 -> 2.4 -> 2 -> 3.
    static constexpr std::array<float, 7> x{0.25f, 0.75f, -0.25f, -0.75f, 100.f, -100.f, 1.2f};
    std::array<std::int8_t, 7> q{};
    quantize(x.data(), x.size(), 0.5f, 1, q.data());
    CHECK(q == std::array<std::int8_t, 7>{1, 3, 1, -1, 127, -128, 3});
    // Back: (q − 1)·0.5.
    std::array<float, 7> back{};
    dequantize(q.data(), q.size(), 0.5f, 1, back.data());
    CHECK(back == std::array<float, 7>{0.f, 1.f, 0.f, -1.f, 63.f, -64.5f, 1.f});
  }

  TEST_CASE("nchw_to_nhwc / nhwc_to_nchw: by hand and round trip") {
    // NCHW [1, C=2, H=2, W=3]: channel 0 = 0..5, channel 1 = 10..15. NHWC interleaves channels:
    // pixel (y, x) = {3y + x, 10 + 3y + x}.
    static constexpr std::array<float, 12> nchw{0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15};
    using s = shape<1, 2, 3, 2>;
    std::array<float, 12> nhwc_data{};
    nchw_to_nhwc<s>(nchw.data(), nhwc_data.data());
    CHECK(nhwc_data == std::array<float, 12>{0, 10, 1, 11, 2, 12, 3, 13, 4, 14, 5, 15});
    std::array<float, 12> back{};
    nhwc_to_nchw<s>(nhwc_data.data(), back.data());
    CHECK(back == nchw);

    // int8, batch 2, against an independent index computation (walking the NHWC side).
    using s2 = shape<2, 3, 4, 5>;
    test::rng r(7);
    const auto src = r.int8s(s2::size);
    std::vector<std::int8_t> dst(s2::size), again(s2::size);
    nchw_to_nhwc<s2>(src.data(), dst.data());
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < s2::size; ++i) {
      const std::size_t c = i % 5, x = i / 5 % 4, y = i / 20 % 3, n = i / 60;
      mismatches += dst[i] != src[n * 60 + c * 12 + y * 4 + x];
    }
    CHECK(mismatches == 0);
    nhwc_to_nchw<s2>(dst.data(), again.data());
    CHECK(again == src);
  }
}
