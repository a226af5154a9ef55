# `mpirun -np 2 odynn-cli fit ...` writes the same run folder as one process (best.json,
# history.csv, params.csv bit for bit), for ODYNN's method and the robust one; a rank that fails
# ends the job with its message and a non-zero status instead of hanging.
# Run by CTest: cmake -DCLI=... -DMPIEXEC=... -DDATA=... -DWORK=... -P fit_mpi.cmake
set(ENV{OMPI_ALLOW_RUN_AS_ROOT} 1)
set(ENV{OMPI_ALLOW_RUN_AS_ROOT_CONFIRM} 1)
set(ENV{OMPI_MCA_rmaps_base_oversubscribe} 1)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(data --model celegans --data ${DATA}/train_b0.csv --data ${DATA}/train_b1.csv --test ${DATA}/test_b0.csv --threads 1)

function(fit_twice name)
  execute_process(COMMAND ${CLI} fit ${data} ${ARGN} --out ${WORK}/${name}_one
                  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${name}: one process failed (${rc}): ${err}")
  endif()
  execute_process(COMMAND ${MPIEXEC} -np 2 ${CLI} fit ${data} ${ARGN} --out ${WORK}/${name}_two
                  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err TIMEOUT 120)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${name}: mpirun -np 2 failed (${rc}): ${err}")
  endif()
  foreach(f best.json history.csv params.csv best_circuit.json)
    execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK}/${name}_one/${f} ${WORK}/${name}_two/${f}
                    RESULT_VARIABLE diff)
    if(NOT diff EQUAL 0)
      message(FATAL_ERROR "${name}: ${f} differs between one process and two")
    endif()
  endforeach()
  message(STATUS "${name}: one process and two agree")
endfunction()

fit_twice(odynn --population 5 --epochs 6 --seed 3)
fit_twice(robust --method robust --population 3 --screen 30 --epochs 5 --seed 3)

execute_process(COMMAND ${MPIEXEC} -np 2 ${CLI} fit ${data} --bounds C_m=5:1 --out ${WORK}/bad
                RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err TIMEOUT 60)
if(rc EQUAL 0 OR NOT err MATCHES "lower must be below upper")
  message(FATAL_ERROR "a failing rank should end the job with its message (status ${rc}): ${err}")
endif()
message(STATUS "a failing rank ends the job: ${err}")
