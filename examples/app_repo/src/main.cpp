// The app: classifies the embedded digits samples with the model header that the build generated
// from ../digits/digits_cnn.onnx, and prints each prediction with its dequantized score.
#include <cstdio>

#include "classify.hpp"
#include "digits_samples.hpp"

int main() {
  int wrong = 0;
  for (std::size_t k = 0; k < samples::count; ++k) {
    const auto q = app::scores(samples::image[k]);
    const int digit = app::classify(samples::image[k]);
    const float score = onnx2hpp::dequantize_value(q[std::size_t(digit)], app::output.scale, app::output.zero_point);
    std::printf("sample %zu (test row %zu): predicted %d, label %d, score %.3f\n", k, samples::row[k], digit,
                samples::label[k], double(score));
    wrong += digit != samples::label[k];
  }
  std::printf("arena %zu bytes, %zu nodes\n", app::graph_t::arena_bytes, app::graph_t::n_nodes);
  return wrong == 0 ? 0 : 1;
}
