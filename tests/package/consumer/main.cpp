#include <onnx2hpp/onnx2hpp.hpp>

#include <array>
#include <cstdint>

using namespace onnx2hpp;

constexpr std::array<std::int8_t, 4> w{1, 2, 3, 4};
constexpr std::array<std::int32_t, 1> m{1 << 30}, s{0};
using fc_t = dense<shape<1, 4>, 1>;
constexpr auto net = make_graph<inputs<tensor<0, shape<1, 4>>>, outputs<1>>(
    node<"fc", in<0>, 1>(fc_t{w, {}, 0, 0, {{m, s, 1}, 0}}));

// (1*1 + 2*2 + 3*3 + 4*4) / 2 = 15
static_assert([] {
  std::array<std::int8_t, 4> x{1, 2, 3, 4};
  std::array<std::int8_t, 1> y{};
  net.run(x.data(), y.data());
  return y[0];
}() == 15);

int main() {
  std::array<std::int8_t, 4> x{1, 2, 3, 4};
  std::array<std::int8_t, 1> y{};
  net.run(x.data(), y.data());
  return y[0] == 15 ? 0 : 1;
}
