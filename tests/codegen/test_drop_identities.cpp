// passes::drop_identities

#include "passes/passes.hpp"
#include "support/model_builder.hpp"

#include <doctest/doctest.h>

using namespace onnx2hpp::codegen;
using namespace onnx2hpp::codegen::testing;
using TP = onnx::TensorProto;

TEST_SUITE("drop_identities") {

  TEST_CASE("Identity, Dropout, Cast to the same type and Pad by zero disappear") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 1, 2, 2});
    m.node("Relu", {x}, "relu");
    m.node("Identity", {model_builder::out("relu")}, "identity");
    m.node("Dropout", {model_builder::out("identity")}, "dropout");
    auto &cast = m.node("Cast", {model_builder::out("dropout")}, "cast");
    model_builder::attr(cast, "to", std::int64_t{TP::FLOAT});
    m.node("Pad", {cast.output(0), m.int64s("pads", {8}, {0, 0, 0, 0, 0, 0, 0, 0})}, "pad");
    m.node("Relu", {model_builder::out("pad")}, "relu2");
    m.output(model_builder::out("relu2"), TP::FLOAT, {1, 1, 2, 2});

    auto g = passes::drop_identities(passes::fold_constants(m.import(false)));
    REQUIRE(g.ops.size() == 2);
    CHECK(g.ops[0].name == "relu");
    CHECK(g.ops[1].name == "relu2");
    CHECK(g.ops[1].input(0) == g.ops[0].output());
  }

  TEST_CASE("the graph output keeps its name when the last op is an Identity") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 2});
    m.node("Relu", {x}, "relu");
    m.node("Identity", {model_builder::out("relu")}, "identity");
    m.output(model_builder::out("identity"), TP::FLOAT, {1, 2});
    auto g = passes::drop_identities(m.import(false));
    REQUIRE(g.ops.size() == 1);
    CHECK(g.at(g.ops[0].output()).name == model_builder::out("identity"));
    CHECK(g.at(g.outputs[0]).name == model_builder::out("identity"));
  }

  TEST_CASE("a Cast that changes the type stays") {
    model_builder m;
    auto x = m.input("x", TP::FLOAT, {1, 2});
    auto &cast = m.node("Cast", {x}, "cast");
    model_builder::attr(cast, "to", std::int64_t{TP::INT32});
    m.output(cast.output(0), TP::INT32, {1, 2});
    auto g = passes::drop_identities(m.import(false));
    CHECK(g.ops.size() == 1);
  }
}
