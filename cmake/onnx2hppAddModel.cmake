# onnx2hpp_add_model(<target> MODEL <file.onnx> [NAMESPACE <ns>] [HEADER <name.hpp>]
#                    [OPTIONS <generator options>...])
#
# Generates <ns>.hpp (or HEADER) and the <stem>_data.hpp of constants it includes (none with
# OPTIONS --single-header) from MODEL at build time — again whenever the model or the generator
# changes — into the build tree, adds its folder to <target>'s include path and links
# <target> to onnx2hpp::onnx2hpp. The default namespace is the model's file name with characters
# outside [A-Za-z0-9_] replaced by '_'. The generator is the onnx2hpp::generator target (in-tree
# or from an installed package).
function(onnx2hpp_add_model target)
  cmake_parse_arguments(ARG "" "MODEL;NAMESPACE;HEADER" "OPTIONS" ${ARGN})
  if(NOT ARG_MODEL)
    message(FATAL_ERROR "onnx2hpp_add_model(${target}): MODEL <file.onnx> is required")
  endif()
  get_filename_component(model "${ARG_MODEL}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT EXISTS "${model}")
    message(FATAL_ERROR "onnx2hpp_add_model(${target}): model file not found: ${model}")
  endif()
  if(NOT TARGET onnx2hpp::generator)
    message(FATAL_ERROR "onnx2hpp_add_model: the onnx2hpp generator is not available "
                        "(build onnx2hpp with ONNX2HPP_BUILD_GENERATOR=ON)")
  endif()
  if(ARG_NAMESPACE)
    set(ns "${ARG_NAMESPACE}")
  else()
    get_filename_component(ns "${model}" NAME_WE)
    string(MAKE_C_IDENTIFIER "${ns}" ns)
  endif()
  if(ARG_HEADER)
    set(header_name "${ARG_HEADER}")
  else()
    set(header_name "${ns}.hpp")
  endif()
  set(dir "${CMAKE_CURRENT_BINARY_DIR}/onnx2hpp_models/${target}")
  set(header "${dir}/${header_name}")
  set(outputs "${header}")
  list(FIND ARG_OPTIONS "--single-header" single_header)
  if(single_header EQUAL -1)
    # The generator's data_header_path: the stem's characters outside [A-Za-z0-9_.-] become '_'.
    get_filename_component(stem "${header_name}" NAME_WLE)
    string(REGEX REPLACE "[^A-Za-z0-9_.-]" "_" stem "${stem}")
    list(APPEND outputs "${dir}/${stem}_data.hpp")
  endif()
  add_custom_command(
    OUTPUT ${outputs}
    COMMAND ${CMAKE_COMMAND} -E make_directory "${dir}"
    COMMAND onnx2hpp::generator "${model}" -o "${header}" --namespace "${ns}" ${ARG_OPTIONS}
    DEPENDS "${model}" onnx2hpp::generator
    COMMENT "onnx2hpp: generating ${header_name} from ${model}"
    VERBATIM)
  set(gen_target "${target}_onnx2hpp_${ns}")
  add_custom_target(${gen_target} DEPENDS "${header}")
  add_dependencies(${target} ${gen_target})
  target_include_directories(${target} PRIVATE "${dir}")
  target_link_libraries(${target} PRIVATE onnx2hpp::onnx2hpp)
  # Whole networks may be evaluated at compile time (static_assert on a prediction).
  target_compile_options(${target} PRIVATE
    $<$<CXX_COMPILER_ID:GNU>:-fconstexpr-ops-limit=4000000000>
    $<$<CXX_COMPILER_ID:Clang>:-fconstexpr-steps=2000000000>)
endfunction()
