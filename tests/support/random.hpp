// Deterministic test data (fixed-seed PCG), so failures reproduce.
#pragma once

#include <cstdint>
#include <vector>

namespace onnx2hpp::test {

class rng {
public:
  explicit rng(std::uint64_t seed)
      : state_(seed * 6364136223846793005ULL + 1442695040888963407ULL) {}
  std::uint32_t next() {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    const auto x = static_cast<std::uint32_t>(((state_ >> 18u) ^ state_) >> 27u);
    const auto r = static_cast<std::uint32_t>(state_ >> 59u);
    return (x >> r) | (x << ((32u - r) & 31u));
  }
  /// Uniform integer in [lo, hi].
  int uniform(int lo, int hi) {
    return lo + static_cast<int>(next() % static_cast<std::uint32_t>(hi - lo + 1));
  }
  std::vector<std::int8_t> int8s(std::size_t n, int lo = -128, int hi = 127) {
    std::vector<std::int8_t> v(n);
    for (auto &x : v)
      x = static_cast<std::int8_t>(uniform(lo, hi));
    return v;
  }
  std::vector<std::int32_t> int32s(std::size_t n, int lo, int hi) {
    std::vector<std::int32_t> v(n);
    for (auto &x : v)
      x = uniform(lo, hi);
    return v;
  }

private:
  std::uint64_t state_;
};

} // namespace onnx2hpp::test
