# ctest driver: install the build tree into a fresh prefix, build tests/consumer against it with
# find_package(itbound), run it, and run the installed CLI and (when given) the installed Python package.
# Inputs: BUILD_DIR, SOURCE_DIR, WORK_DIR, CXX, [PYTHON, PYTHON_DIR].
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)

function(step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  message(STATUS "ok: ${ARGN}\n${out}")
endfunction()

step(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
step(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/build -DCMAKE_PREFIX_PATH=${prefix}
     -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_BUILD_TYPE=Release)
step(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
step(${WORK_DIR}/build/consumer)
step(${prefix}/bin/itbound test-set --errors 0 --trials 100)
if(PYTHON)
  step(${CMAKE_COMMAND} -E env PYTHONPATH=${prefix}/${PYTHON_DIR} ${PYTHON} -c
       "import itbound, sys; assert itbound.__file__.startswith(sys.argv[1]), itbound.__file__; print(itbound.test_set(errors=0, trials=100).value)"
       ${prefix})
endif()
