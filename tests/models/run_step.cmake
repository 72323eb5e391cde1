# One producing step of a model test, run by CTest:
#   cmake -DOUT=<dir> -DCMD=<program|arg|arg...> -P run_step.cmake
# Empties OUT first, so a later comparison can never read a stale file from an earlier run, then
# runs CMD ('|' separates its words) and fails when it exits non-zero.
if(NOT DEFINED OUT OR NOT DEFINED CMD)
  message(FATAL_ERROR "run_step.cmake: -DOUT=<dir> and -DCMD=<program|args...> are required")
endif()
file(REMOVE_RECURSE "${OUT}")
file(MAKE_DIRECTORY "${OUT}")
string(REPLACE "|" ";" command "${CMD}")
execute_process(COMMAND ${command} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  list(JOIN command " " shown)
  message(FATAL_ERROR "run_step.cmake: '${shown}' failed (${rc})")
endif()
