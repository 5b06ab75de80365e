# `cmake --install`: libraries, headers and the CLI, plus an exported CMake package so other projects can
# find_package(itbound) and link itbound::solvers / estimators / bounds / data / commands.
# (The Python module installs itself from python/CMakeLists.txt.)
include(CMakePackageConfigHelpers)

set(ITBOUND_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/itbound)
set(_itbound_libraries itbound_solvers itbound_estimators itbound_bounds itbound_data)
if(ITBOUND_BUILD_CLI)
  list(APPEND _itbound_libraries itbound_commands)
  install(TARGETS itbound RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
foreach(_lib IN LISTS _itbound_libraries)
  string(REPLACE "itbound_" "" _short ${_lib})
  set_target_properties(${_lib} PROPERTIES EXPORT_NAME ${_short})
endforeach()
install(TARGETS ${_itbound_libraries} EXPORT itboundTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
foreach(_dir solvers estimators bounds data cli)
  if(EXISTS ${PROJECT_SOURCE_DIR}/${_dir}/include)
    install(DIRECTORY ${PROJECT_SOURCE_DIR}/${_dir}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  endif()
endforeach()

install(EXPORT itboundTargets NAMESPACE itbound:: DESTINATION ${ITBOUND_CMAKE_INSTALL_DIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/itboundConfig.cmake.in
                              ${CMAKE_CURRENT_BINARY_DIR}/itboundConfig.cmake
                              INSTALL_DESTINATION ${ITBOUND_CMAKE_INSTALL_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/itboundConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/itboundConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/itboundConfigVersion.cmake
        DESTINATION ${ITBOUND_CMAKE_INSTALL_DIR})
