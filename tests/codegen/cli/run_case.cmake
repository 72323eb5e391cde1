# One CLI test of onnx2hpp: runs the generator and checks its exit code, its messages and what
# happened to the output file.
#   cmake -DGENERATOR=path -DARGS="a|b|c" -DEXPECT_EXIT=n [-DEXPECT_TEXT="a|b"]
#         [-DOUTPUT=path -DEXPECT_OUTPUT=ON|OFF] -P run_case.cmake
# ARGS and EXPECT_TEXT are '|'-separated; every EXPECT_TEXT piece must appear in stdout+stderr.
# With OUTPUT, the file is removed first and must exist afterwards exactly when EXPECT_OUTPUT is
# ON; no temporary file may be left next to it either way.

string(REPLACE "|" ";" args "${ARGS}")
if(DEFINED OUTPUT)
  file(REMOVE "${OUTPUT}")
endif()
execute_process(COMMAND "${GENERATOR}" ${args}
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(all "${out}${err}")
set(problems "")
if(NOT code STREQUAL "${EXPECT_EXIT}")
  string(APPEND problems "exit code ${code}, expected ${EXPECT_EXIT}\n")
endif()
if(DEFINED EXPECT_TEXT)
  string(REPLACE "|" ";" texts "${EXPECT_TEXT}")
  foreach(text IN LISTS texts)
    string(FIND "${all}" "${text}" at)
    if(at EQUAL -1)
      string(APPEND problems "the output does not mention: ${text}\n")
    endif()
  endforeach()
endif()
if(DEFINED OUTPUT)
  if(EXPECT_OUTPUT AND NOT EXISTS "${OUTPUT}")
    string(APPEND problems "${OUTPUT} was not written\n")
  elseif(NOT EXPECT_OUTPUT AND EXISTS "${OUTPUT}")
    string(APPEND problems "${OUTPUT} was left behind\n")
  endif()
  get_filename_component(folder "${OUTPUT}" DIRECTORY)
  get_filename_component(name "${OUTPUT}" NAME)
  file(GLOB leftovers "${folder}/.${name}.tmp.*")
  if(leftovers)
    string(APPEND problems "temporary files left: ${leftovers}\n")
  endif()
endif()
if(problems)
  message(FATAL_ERROR "onnx2hpp ${args}\n${problems}--- output ---\n${all}")
endif()
