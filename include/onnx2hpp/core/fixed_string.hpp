// A string usable as a template argument (node names), and its spelling as a type of chars so that
// compiler diagnostics print the name readably on both g++ and clang++.
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>

namespace onnx2hpp {

template <std::size_t N>
struct fixed_string {
  char chars[N]{};
  constexpr fixed_string(const char (&s)[N]) {
    for (std::size_t i = 0; i < N; ++i)
      chars[i] = s[i];
  }
  constexpr std::string_view view() const { return {chars, N - 1}; }
};

/// The node's name spelled as a type: `node_named<'c','o','n','v'>` appears in diagnostics.
template <char... C>
struct node_named {};

namespace detail {
template <fixed_string S, class = std::make_index_sequence<sizeof(S.chars) - 1>>
struct name_as_type;
template <fixed_string S, std::size_t... I>
struct name_as_type<S, std::index_sequence<I...>> {
  using type = node_named<S.chars[I]...>;
};
} // namespace detail

template <fixed_string S>
using name_as_type_t = typename detail::name_as_type<S>::type;

} // namespace onnx2hpp
