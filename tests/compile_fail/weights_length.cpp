// A weight array whose length is not the layer's weight count does not compile: conv2d declares
// its weights as const_data<std::int8_t, weight_count>. The control (well_formed.cpp) builds the
// same kind of layer with arrays of the right length. WEIGHTS_AS_BYTES: the bytes of a string
// literal, as the generator emits them (16 bytes + NUL for 8 × 2 weights).
#include "onnx2hpp/backends/ref/conv2d.hpp"

using namespace onnx2hpp;

using conv_t = conv2d<shape<1, 6, 6, 2>, conv2d_attrs{.out_channels = 8, .kernel_h = 1, .kernel_w = 1}>;
static_assert(conv_t::weight_count == 16);
constexpr std::array<std::int32_t, 1> m{1 << 30}, s{0};

#if defined(WEIGHTS_AS_BYTES)
constexpr char w[] = "0123456789abcdef0"; // 17 bytes + NUL: one weight too many
constexpr conv_t conv{{from_bytes, w}, {}, 0, 0, {{m, s, 1}, 0}};
#else
constexpr std::array<std::int8_t, 15> w{}; // one weight short
constexpr conv_t conv{w, {}, 0, 0, {{m, s, 1}, 0}};
#endif

int main() { return conv.weights[0]; }
