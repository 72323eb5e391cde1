// core/window.hpp: output extents by hand, and the tap queries against brute force over every
// small axis.
#include <doctest/doctest.h>

#include <cstddef>

#include "onnx2hpp/core/window.hpp"

using namespace onnx2hpp;

TEST_SUITE("core") {

  TEST_CASE("window_axis: output extents, floor and ceil mode") {
    // 3-tap window, stride 2, no padding over 7 inputs: starts 0, 2, 4 -> 3 outputs.
    static_assert(window_axis{.kernel = 3, .stride = 2}.output_extent(7) == 3);
    // 8 inputs: floor 3 (starts 0, 2, 4), ceil 4 (start 6 overhangs by one, still inside).
    static_assert(window_axis{.kernel = 3, .stride = 2}.output_extent(8) == 3);
    static_assert(window_axis{.kernel = 3, .stride = 2}.output_extent(8, true) == 4);
    // Dilation 2 spans 5: (9 - 5) / 1 + 1 = 5.
    static_assert(window_axis{.kernel = 3, .dilation = 2}.output_extent(9) == 5);
    // Ceil mode drops a last window that would start in the trailing padding: kernel 2, stride 2,
    // pads 1 and 2 over 4 inputs: starts -1, 1, 3; ceil would add a fourth at 5 >= 4 + 1.
    constexpr window_axis overhang{.kernel = 2, .stride = 2, .pad_before = 1, .pad_after = 2};
    static_assert(overhang.output_extent(4) == 3);
    static_assert(overhang.output_extent(4, true) == 3);
    // Without leading padding the third window would start at 4, past the input: dropped too.
    static_assert(window_axis{.kernel = 2, .stride = 2, .pad_after = 1}.output_extent(4, true) ==
                  2);
  }

  TEST_CASE("window_axis: inside_taps and count_taps agree with every tap's coordinate") {
    for (std::size_t kernel = 1; kernel <= 5; ++kernel)
      for (std::size_t stride = 1; stride <= 3; ++stride)
        for (std::size_t dilation = 1; dilation <= 3; ++dilation)
          for (std::size_t pad = 0; pad <= 6; ++pad)
            for (std::size_t in = 1; in <= 7; ++in) {
              const window_axis a{kernel, stride, dilation, pad, pad};
              if (!a.fits(in))
                continue;
              for (std::size_t o = 0; o < a.output_extent(in); ++o) {
                std::size_t first = kernel, last = 0, inside = 0;
                for (std::size_t k = 0; k < kernel; ++k)
                  if (window_axis::inside(a.tap(o, k), in)) {
                    first = k < first ? k : first;
                    last = k + 1;
                    ++inside;
                  }
                const auto r = a.inside_taps(o, in);
                INFO("kernel " << kernel << " stride " << stride << " dilation " << dilation
                               << " pad " << pad << " in " << in << " o " << o);
                CHECK(r.last - r.first == inside);
                if (inside > 0) {
                  CHECK(r.first == first);
                  CHECK(r.last == last);
                }
                CHECK(r.whole(kernel) == (inside == kernel));
                CHECK(a.count_taps(o, in).in_input == inside);
              }
            }
  }
}
